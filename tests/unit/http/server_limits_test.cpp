// Deadlines, the connection limit and the upgrade seam, each on a server configured for it.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

#include "unit/http/server_fixture.hpp"

namespace nchat::http::test {
namespace {

using bhttp::status;
namespace websocket = boost::beast::websocket;

class HttpServerLimitsTest : public ServerFixture {
protected:
    void SetUp() override {
        router_.add(bhttp::verb::get, "/ok", [](Request& req) -> net::awaitable<Response> {
            co_return json_response(req, status::ok, "{}");
        });
    }
};

TEST_F(HttpServerLimitsTest, PartialRequestTimesOutWith408) {
    ServerOptions o;
    o.read_timeout = std::chrono::milliseconds(200);
    start_server(o);
    auto s = connect();
    send(s, "GET /ok HTTP/1.1\r\nHost:");
    boost::beast::flat_buffer buf;
    auto res = read_response(s, buf);
    EXPECT_EQ(res.result(), status::request_timeout);
    EXPECT_TRUE(closed_by_server(s, buf));
}

TEST_F(HttpServerLimitsTest, IdleKeepAliveClosesQuietly) {
    ServerOptions o;
    o.idle_timeout = std::chrono::milliseconds(100);
    start_server(o);
    auto s = connect();
    boost::beast::flat_buffer buf;
    send(s, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(read_response(s, buf).result(), status::ok);
    EXPECT_TRUE(closed_by_server(s, buf));  // no 408 bytes, just the close
}

TEST_F(HttpServerLimitsTest, BeyondMaxConnectionsIs503) {
    ServerOptions o;
    o.max_connections = 1;
    start_server(o);
    auto first = connect();
    boost::beast::flat_buffer buf;
    send(first, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(read_response(first, buf).result(), status::ok);  // `first` is registered
    auto res = roundtrip("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(res.result(), status::service_unavailable);
    send(first, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(read_response(first, buf).result(), status::ok);
}

TEST_F(HttpServerLimitsTest, OneAddressHoldsAtMostItsShareOfConnections) {
    ServerOptions o;
    o.max_connections_per_address = 2;
    start_server(o);
    boost::beast::flat_buffer buf;
    auto a1 = connect_from("127.0.0.2");
    auto a2 = connect_from("127.0.0.2");
    for (auto* s : {&a1, &a2}) {
        send(*s, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(read_response(*s, buf).result(), status::ok);
        buf.clear();
    }
    auto a3 = connect_from("127.0.0.2");
    send(a3, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    auto refused = read_response(a3, buf);
    EXPECT_EQ(refused.result(), status::service_unavailable);
    EXPECT_NE(refused.body().find("from your address"), std::string::npos);
    buf.clear();
    // Another address, and the host itself (an edge proxy on 127.0.0.1), are not affected.
    auto b = connect_from("127.0.0.3");
    send(b, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(read_response(b, buf).result(), status::ok);
    buf.clear();
    std::vector<tcp::socket> local;
    for (int i = 0; i < 4; ++i) {
        local.push_back(connect());
        send(local.back(), "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(read_response(local.back(), buf).result(), status::ok);
        buf.clear();
    }
    // A closed connection gives its slot back.
    a1.close();
    bool ok = false;
    for (int attempt = 0; attempt < 200 && !ok; ++attempt) {  // the server sees the close soon
        auto again = connect_from("127.0.0.2");
        send(again, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        ok = read_response(again, buf).result() == status::ok;
        buf.clear();
        if (!ok) std::this_thread::yield();
    }
    EXPECT_TRUE(ok);
}

// RFC 9112 §6.3: a Transfer-Encoding that does not end in chunked, or one beside a
// Content-Length, is a 400 and a close: the "second request" in its body is never served.
TEST_F(HttpServerLimitsTest, TransferEncodingNotEndingInChunkedIs400AndCloses) {
    int served = 0;
    router_.add(bhttp::verb::get, "/smuggled", [&served](Request& req) -> net::awaitable<Response> {
        ++served;
        co_return json_response(req, status::ok, "{}");
    });
    start_server();
    for (std::string_view te : {"xchunked", "chunked, gzip", "gzip", "chunked"}) {
        auto s = connect();
        std::string req = "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ";
        req += te;
        req += "\r\nContent-Length: 0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        send(s, req);
        boost::beast::flat_buffer buf;
        auto res = read_response(s, buf);
        EXPECT_EQ(res.result(), status::bad_request) << te;
        // Beast refuses chunked beside Content-Length itself, as a malformed request.
        if (te != "chunked")
            EXPECT_NE(res.body().find("Transfer-Encoding"), std::string::npos) << te;
        EXPECT_TRUE(closed_by_server(s, buf)) << te;
    }
    EXPECT_EQ(served, 0);
}

// The seam for GET /api/realtime (issue 6): the route takes the socket and speaks WebSocket.
TEST_F(HttpServerLimitsTest, UpgradeRouteTakesOverTheConnection) {
    router_.add_upgrade("/ws/{room}", [](Upgrade&& up) {
        auto ws =
            std::make_shared<websocket::stream<boost::beast::tcp_stream>>(std::move(up.stream));
        auto room = up.params.at("room");
        net::co_spawn(
            ws->get_executor(),
            [ws, req = std::move(up.request), room]() -> net::awaitable<void> {
                co_await ws->async_accept(req, net::use_awaitable);
                boost::beast::flat_buffer b;
                co_await ws->async_read(b, net::use_awaitable);
                auto text = room + ":" + boost::beast::buffers_to_string(b.data());
                co_await ws->async_write(net::buffer(text), net::use_awaitable);
            },
            net::detached);
    });
    start_server();
    websocket::stream<tcp::socket> ws(connect());
    ws.handshake("127.0.0.1", "/ws/lobby");
    ws.write(net::buffer(std::string("hi")));
    boost::beast::flat_buffer b;
    ws.read(b);
    EXPECT_EQ(boost::beast::buffers_to_string(b.data()), "lobby:hi");

    auto plain = roundtrip("GET /ws/lobby HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(plain.result(), status::upgrade_required);
}

}  // namespace
}  // namespace nchat::http::test
