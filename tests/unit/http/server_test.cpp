#include "http/server.hpp"

#include <mutex>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "unit/http/server_fixture.hpp"

namespace nchat::http::test {
namespace {

using bhttp::field;
using bhttp::status;
using bhttp::verb;
using Json = nlohmann::json;

constexpr std::string_view kGetItem = "GET /api/items/42 HTTP/1.1\r\nHost: x\r\n\r\n";

class HttpServerTest : public ServerFixture {
protected:
    void SetUp() override {
        router_.add(verb::get, "/api/items/{id}", [](Request& req) -> net::awaitable<Response> {
            co_return json_response(
                req, status::ok,
                Json{{"id", req.param("id")}, {"q", req.query_param("q").value_or("")}}.dump());
        });
        router_.add(verb::post, "/api/echo", [](Request& req) -> net::awaitable<Response> {
            co_return json_response(req, status::ok, Json{{"size", req.raw.body().size()}}.dump());
        });
        router_.add(verb::post, "/api/invalid", [](Request&) -> net::awaitable<Response> {
            HttpError e(status::too_many_requests, "rate_limited", "slow down", "title");
            e.headers.emplace_back("Retry-After", "3");
            throw e;
        });
        router_.add(verb::get, "/api/boom", [](Request&) -> net::awaitable<Response> {
            throw std::runtime_error("handler bug");
        });
        router_.add(verb::get, "/api/slow", [this](Request& req) -> net::awaitable<Response> {
            auto ex = co_await net::this_coro::executor;
            net::steady_timer timer(ex, std::chrono::minutes(5));
            {
                std::lock_guard lock(slow_mu_);
                slow_ex_ = ex;
                slow_timer_ = &timer;
            }
            slow_entered_.set_value();
            boost::system::error_code ec;
            co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
            co_return json_response(req, status::ok, R"({"slow":true})");
        });
        ServerOptions o;
        o.cors_origins = {"https://app.example"};
        start_server(o);
    }

    // Wakes /api/slow; the post runs after the handler suspended on the timer (same strand).
    void release_slow() {
        std::lock_guard lock(slow_mu_);
        net::post(slow_ex_, [t = slow_timer_] { t->cancel(); });
    }

    std::mutex slow_mu_;
    net::any_io_executor slow_ex_;
    net::steady_timer* slow_timer_ = nullptr;
    std::promise<void> slow_entered_;
};

TEST_F(HttpServerTest, KeepAliveServesThreeRequestsOnOneConnection) {
    auto s = connect();
    boost::beast::flat_buffer buf;
    for (int i = 0; i < 3; ++i) {
        send(s, "GET /api/items/" + std::to_string(i) + "?q=a+b%21 HTTP/1.1\r\nHost: x\r\n\r\n");
        auto res = read_response(s, buf);
        EXPECT_EQ(res.result(), status::ok);
        EXPECT_TRUE(res.keep_alive());
        EXPECT_EQ(res[field::server], "nchat-live");
        EXPECT_FALSE(res[field::date].empty());
        auto j = Json::parse(res.body());
        EXPECT_EQ(j["id"], std::to_string(i));
        EXPECT_EQ(j["q"], "a b!");
    }
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
    auto s = connect();
    send(
        s,
        "GET /api/items/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /api/items/2 HTTP/1.1\r\nHost: x\r\n\r\n");
    boost::beast::flat_buffer buf;
    EXPECT_EQ(Json::parse(read_response(s, buf).body())["id"], "1");
    EXPECT_EQ(Json::parse(read_response(s, buf).body())["id"], "2");
}

TEST_F(HttpServerTest, UnknownRouteIsJson404) {
    auto res = roundtrip("GET /api/nope HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(res.result(), status::not_found);
    EXPECT_EQ(res[field::content_type], "application/json");
    EXPECT_EQ(Json::parse(res.body())["error"]["code"], "not_found");
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
    auto res = roundtrip("DELETE /api/items/1 HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(res.result(), status::method_not_allowed);
    EXPECT_EQ(res[field::allow], "GET, HEAD");
    EXPECT_EQ(Json::parse(res.body())["error"]["code"], "method_not_allowed");
}

TEST_F(HttpServerTest, HeadUsesTheGetHandlerWithoutBody) {
    auto get = roundtrip(kGetItem);
    auto head = roundtrip("HEAD /api/items/42 HTTP/1.1\r\nHost: x\r\n\r\n", true);
    EXPECT_EQ(head.result(), status::ok);
    EXPECT_EQ(head[field::content_length], std::to_string(get.body().size()));
    EXPECT_TRUE(head.body().empty());
}

TEST_F(HttpServerTest, HttpErrorBecomesJsonWithFieldAndHeaders) {
    auto res = roundtrip("POST /api/invalid HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(res.result(), status::too_many_requests);
    EXPECT_EQ(res[field::retry_after], "3");
    auto j = Json::parse(res.body());
    EXPECT_EQ(j["error"]["code"], "rate_limited");
    EXPECT_EQ(j["error"]["message"], "slow down");
    EXPECT_EQ(j["error"]["field"], "title");
}

TEST_F(HttpServerTest, HandlerExceptionIs500AndTheConnectionGoesOn) {
    auto s = connect();
    boost::beast::flat_buffer buf;
    send(s, "GET /api/boom HTTP/1.1\r\nHost: x\r\n\r\n");
    auto res = read_response(s, buf);
    EXPECT_EQ(res.result(), status::internal_server_error);
    EXPECT_EQ(Json::parse(res.body())["error"]["code"], "internal");
    send(s, kGetItem);
    EXPECT_EQ(read_response(s, buf).result(), status::ok);
}

TEST_F(HttpServerTest, HugeHeaderIs431) {
    auto s = connect();
    send(s, "GET /api/items/1 HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20 * 1024, 'a') +
                "\r\n\r\n");
    boost::beast::flat_buffer buf;
    auto res = read_response(s, buf);
    EXPECT_EQ(res.result(), status::request_header_fields_too_large);
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(closed_by_server(s, buf));
}

TEST_F(HttpServerTest, LargeBodyIs413) {
    std::string body(100 * 1024, 'x');
    auto with_length = roundtrip("POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                 std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(with_length.result(), status::payload_too_large);
    EXPECT_EQ(Json::parse(with_length.body())["error"]["code"], "body_too_large");

    auto announced =
        roundtrip("POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n{");
    EXPECT_EQ(announced.result(), status::payload_too_large);

    std::string chunked =
        "POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 25; ++i)
        chunked += "1000\r\n" + std::string(4096, 'y') + "\r\n";
    chunked += "0\r\n\r\n";
    EXPECT_EQ(roundtrip(chunked).result(), status::payload_too_large);
}

TEST_F(HttpServerTest, GarbageIs400) {
    EXPECT_EQ(roundtrip("HELLO\r\n\r\n").result(), status::bad_request);
    EXPECT_EQ(
        roundtrip("POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n")
            .result(),
        status::bad_request);
    EXPECT_EQ(roundtrip("GET /api/items/%zz HTTP/1.1\r\nHost: x\r\n\r\n").result(),
              status::bad_request);
    EXPECT_EQ(roundtrip("GET /api/items/a%00 HTTP/1.1\r\nHost: x\r\n\r\n").result(),
              status::bad_request);
}

TEST_F(HttpServerTest, ExpectContinue) {
    std::string body(2000, 'z');
    auto s = connect();
    send(s,
         "POST /api/echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
         "2000\r\n\r\n");
    boost::beast::flat_buffer buf;
    auto interim = read_response(s, buf);
    EXPECT_EQ(interim.result(), status::continue_);
    send(s, body);
    auto res = read_response(s, buf);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(Json::parse(res.body())["size"], 2000);
}

TEST_F(HttpServerTest, CorsPreflight) {
    auto ok = roundtrip(
        "OPTIONS /api/echo HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n"
        "Access-Control-Request-Method: POST\r\n\r\n");
    EXPECT_EQ(ok.result(), status::no_content);
    EXPECT_EQ(ok[field::access_control_allow_origin], "https://app.example");
    EXPECT_NE(ok[field::access_control_allow_methods].find("PATCH"), std::string_view::npos);
    EXPECT_EQ(ok[field::access_control_allow_headers], "Authorization, Content-Type");
    EXPECT_EQ(ok[field::access_control_max_age], "600");

    auto other = roundtrip(
        "OPTIONS /api/echo HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n"
        "Access-Control-Request-Method: POST\r\n\r\n");
    EXPECT_EQ(other.count(field::access_control_allow_origin), 0u);
}

TEST_F(HttpServerTest, CorsSimpleRequest) {
    auto ok =
        roundtrip("GET /api/items/1 HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n\r\n");
    EXPECT_EQ(ok[field::access_control_allow_origin], "https://app.example");
    EXPECT_EQ(ok[field::vary], "Origin");
    EXPECT_NE(ok[field::access_control_expose_headers].find("Retry-After"), std::string_view::npos);
    auto other =
        roundtrip("GET /api/items/1 HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n\r\n");
    EXPECT_EQ(other.result(), status::ok);
    EXPECT_EQ(other.count(field::access_control_allow_origin), 0u);
}

TEST_F(HttpServerTest, GracefulStopFinishesInFlightRequest) {
    auto idle = connect();
    boost::beast::flat_buffer idle_buf;
    send(idle, kGetItem);
    EXPECT_EQ(read_response(idle, idle_buf).result(), status::ok);

    auto busy = connect();
    send(busy, "GET /api/slow HTTP/1.1\r\nHost: x\r\n\r\n");
    slow_entered_.get_future().wait();
    std::promise<void> done;
    server_->stop(std::chrono::seconds(30), [&done] { done.set_value(); });
    stopped_ = true;
    EXPECT_TRUE(closed_by_server(idle, idle_buf));  // the idle keep-alive connection closes now
    release_slow();
    boost::beast::flat_buffer buf;
    auto res = read_response(busy, buf);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_FALSE(res.keep_alive());
    EXPECT_EQ(res[field::connection], "close");
    EXPECT_TRUE(closed_by_server(busy, buf));
    done.get_future().wait();  // the last session is gone
}

TEST_F(HttpServerTest, MetricsFamiliesAfterRequests) {
    roundtrip(kGetItem);
    roundtrip("GET /api/nope HTTP/1.1\r\nHost: x\r\n\r\n");
    roundtrip("HELLO\r\n\r\n");
    std::map<std::string, const prometheus::MetricFamily*> families;
    auto collected = registry_.Collect();
    for (const auto& f : collected)
        families[f.name] = &f;
    for (const char* name : {"nchat_http_requests_total", "nchat_http_request_duration_seconds",
                             "nchat_http_connections_open", "nchat_http_rejected_total"}) {
        EXPECT_TRUE(families.count(name)) << name;
    }
    std::set<std::string> routes;
    for (const auto& m : families["nchat_http_requests_total"]->metric) {
        for (const auto& l : m.label) {
            if (l.name == "route") routes.insert(l.value);
        }
    }
    EXPECT_TRUE(routes.count("/api/items/{id}"));
    EXPECT_TRUE(routes.count("unmatched"));
    EXPECT_FALSE(routes.count("/api/items/42"));
}

}  // namespace
}  // namespace nchat::http::test
