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
