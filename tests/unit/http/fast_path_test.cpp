// The fast path (http/fast_get.hpp) on a real Server: what it answers, what it leaves to the
// Router, and that both give the client the same kind of answer on one connection.
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "unit/http/server_fixture.hpp"

namespace nchat::http::test {
namespace {

using bhttp::field;
using bhttp::status;
using bhttp::verb;
using Json = nlohmann::json;

class FastPathTest : public ServerFixture {
protected:
    void SetUp() override {
        small_ = std::make_shared<const std::string>("hello");
        // Larger than a loopback socket's buffer: the write cannot finish at once.
        large_ = std::make_shared<const std::string>(8 * 1024 * 1024, 'x');
        router_.add_fast(
            "/fast/", "/fast/{name}",
            [this](std::string_view path, std::string_view query, FastAnswer& out) {
                ++fast_calls_;
                auto body = path == "/fast/ok" ? small_ : path == "/fast/large" ? large_ : nullptr;
                if (!body || query == "decline") return false;
                out.content_type = "text/plain";
                out.cache_control = "fast";
                out.body.push_back(net::buffer(*body));
                out.owner = body;
                return true;
            });
        router_.add(verb::get, "/fast/{name}", [](Request& req) -> net::awaitable<Response> {
            auto res = json_response(req, status::ok, Json{{"name", req.param("name")}}.dump());
            res.set(field::cache_control, "slow");
            co_return res;
        });
        ServerOptions o;
        o.cors_origins = {"https://app.example"};
        start_server(o);
    }

    std::shared_ptr<const std::string> small_, large_;
    std::atomic<int> fast_calls_{0};
};

TEST_F(FastPathTest, AnswersWithTheOrdinaryHeadersOnAKeptAliveConnection) {
    auto s = connect();
    boost::beast::flat_buffer buf;
    for (int i = 0; i < 3; ++i) {
        send(s, "GET /fast/ok HTTP/1.1\r\nHost: x\r\n\r\n");
        auto res = read_response(s, buf);
        EXPECT_EQ(res.result(), status::ok);
        EXPECT_EQ(res.version(), 11);
        EXPECT_TRUE(res.keep_alive());
        EXPECT_EQ(res[field::cache_control], "fast");
        EXPECT_EQ(res[field::content_type], "text/plain");
        EXPECT_EQ(res[field::access_control_allow_origin], "*");
        EXPECT_EQ(res[field::server], "nchat-live");
        EXPECT_FALSE(res[field::date].empty());
        EXPECT_EQ(res[field::content_length], "5");
        EXPECT_EQ(res.body(), "hello");
    }
    EXPECT_EQ(fast_calls_.load(), 3);
}

TEST_F(FastPathTest, WhatTheHandlerDeclinesGoesToTheRouter) {
    auto res = roundtrip("GET /fast/ok?decline HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(res[field::cache_control], "slow");
    EXPECT_EQ(Json::parse(res.body())["name"], "ok");
    res = roundtrip("GET /fast/other HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(Json::parse(res.body())["name"], "other");
}

TEST_F(FastPathTest, OtherShapesGoToTheRouter) {
    // Percent-encoding, HTTP/1.0, HEAD and a body are Beast's to parse.
    auto res = roundtrip("GET /fast/%6Fk HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(res[field::cache_control], "slow");
    EXPECT_EQ(Json::parse(res.body())["name"], "ok");
    res = roundtrip("GET /fast/ok HTTP/1.0\r\nHost: x\r\n\r\n");
    EXPECT_EQ(res.version(), 10);
    EXPECT_EQ(res[field::cache_control], "slow");
    res = roundtrip("HEAD /fast/ok HTTP/1.1\r\nHost: x\r\n\r\n", true);
    EXPECT_EQ(res[field::cache_control], "slow");
    res = roundtrip("GET /fast/ok HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
    EXPECT_EQ(res[field::cache_control], "slow");
    // Malformed requests still get Beast's 400.
    res = roundtrip("GET /fast/ok HTTP/1.1\r\nHo st: x\r\n\r\n");
    EXPECT_EQ(res.result(), status::bad_request);
    EXPECT_EQ(fast_calls_.load(), 0);
}

TEST_F(FastPathTest, AnAllowedOriginGetsTheRoutersCorsHeaders) {
    auto res = roundtrip("GET /fast/ok HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n\r\n");
    EXPECT_EQ(res[field::cache_control], "slow");
    EXPECT_EQ(res[field::access_control_allow_origin], "https://app.example");
    // Any other page may still play: the fast answer allows every origin.
    res = roundtrip("GET /fast/ok HTTP/1.1\r\nHost: x\r\nOrigin: https://other.example\r\n\r\n");
    EXPECT_EQ(res[field::cache_control], "fast");
    EXPECT_EQ(res[field::access_control_allow_origin], "*");
}

TEST_F(FastPathTest, PipelinedFastAndRouterAnswersKeepTheirOrder) {
    auto s = connect();
    send(s,
         "GET /fast/ok HTTP/1.1\r\nHost: x\r\n\r\n"
         "GET /fast/b HTTP/1.1\r\nHost: x\r\n\r\n"
         "GET /fast/ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    boost::beast::flat_buffer buf;
    EXPECT_EQ(read_response(s, buf).body(), "hello");
    EXPECT_EQ(Json::parse(read_response(s, buf).body())["name"], "b");
    auto last = read_response(s, buf);
    EXPECT_EQ(last.body(), "hello");
    EXPECT_EQ(last[field::connection], "close");
    EXPECT_TRUE(closed_by_server(s, buf));
}

TEST_F(FastPathTest, AHeadSplitAcrossWritesIsStillAnswered) {
    auto s = connect();
    send(s, "GET /fast/ok HTTP/1.1\r\nHo");
    // Not a wait for a result: a pause so that the head reaches the server in two reads.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    send(s, "st: x\r\n\r\n");
    boost::beast::flat_buffer buf;
    auto res = read_response(s, buf);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(Json::parse(res.body())["name"], "ok");  // the Router took it: the head was partial
}

TEST_F(FastPathTest, ABodyLargerThanTheSocketBufferArrivesWhole) {
    auto s = connect();
    boost::beast::flat_buffer buf;
    for (int i = 0; i < 2; ++i) {
        send(s, "GET /fast/large HTTP/1.1\r\nHost: x\r\n\r\n");
        // Read late, so that the server's first write cannot take it all.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        auto res = read_response(s, buf);
        ASSERT_EQ(res.result(), status::ok);
        EXPECT_EQ(res.body().size(), large_->size());
        EXPECT_TRUE(res.body() == *large_);
    }
}

TEST_F(FastPathTest, FastAnswersAreCountedUnderTheirRoute) {
    roundtrip("GET /fast/ok HTTP/1.1\r\nHost: x\r\n\r\n");
    double count = 0;
    for (const auto& f : registry_.Collect()) {
        if (f.name != "nchat_http_requests_total") continue;
        for (const auto& m : f.metric) {
            bool route = false, ok = false;
            for (const auto& l : m.label) {
                route = route || (l.name == "route" && l.value == "/fast/{name}");
                ok = ok || (l.name == "status" && l.value == "200");
            }
            if (route && ok) count += m.counter.value;
        }
    }
    EXPECT_EQ(count, 1);
}

}  // namespace
}  // namespace nchat::http::test
