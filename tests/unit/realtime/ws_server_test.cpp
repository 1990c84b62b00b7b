// The WebSocket transport end to end on loopback, without the chat service: the HTTP server
// hands the upgrade to ws::Server, Beast clients talk to it. Handshake and hello, bad frames
// answered (and a flood closed), heartbeats dropping a dead client, the auth deadline, a slow
// consumer losing events (counted) and then closed, the connection limit, graceful stop.
#include <atomic>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <sys/socket.h>

#include "http/router.hpp"
#include "http/server.hpp"
#include "realtime/hub.hpp"
#include "realtime/ws/server.hpp"

namespace nchat::realtime::ws {
namespace {

using namespace std::chrono_literals;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using boost::system::error_code;

net::awaitable<std::optional<auth::Principal>> fake_auth(std::string header) {
    if (header.empty()) co_return std::nullopt;
    if (header == "Bearer good") co_return auth::Principal{"u1", store::Role::viewer, "Una"};
    throw std::runtime_error("unknown or revoked token");
}

// A client on its own io_context; every wait is bounded so a failing test cannot hang.
class Client {
public:
    explicit Client(std::uint16_t port) : port_(port) {}

    // The handshake; false when refused.
    bool open(std::string authorization = {}) {
        ws_.next_layer().connect({net::ip::make_address("127.0.0.1"), port_});
        if (!authorization.empty()) {
            ws_.set_option(
                websocket::stream_base::decorator([authorization](websocket::request_type& r) {
                    r.set(boost::beast::http::field::authorization, authorization);
                }));
        }
        error_code ec;
        ws_.handshake("127.0.0.1", "/api/realtime", ec);
        return !ec;
    }

    void send(const std::string& text) { ws_.write(net::buffer(text)); }
    void send(const json& j) { send(j.dump()); }
    void send_binary(const std::string& bytes) {
        ws_.binary(true);
        ws_.write(net::buffer(bytes));
        ws_.text(true);
    }

    // The next message, or nullopt when the connection closed (see close_code) or timed out.
    std::optional<json> read(std::chrono::milliseconds timeout = 5s) {
        bool done = false;
        error_code ec;
        buf_.clear();
        ws_.async_read(buf_, [&](error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        ioc_.restart();
        ioc_.run_for(timeout);
        if (!done) {
            timed_out = true;
            error_code ignored;
            ws_.next_layer().cancel(ignored);
            ioc_.restart();
            ioc_.run();
            return std::nullopt;
        }
        if (ec) {
            closed = true;
            close_code = ws_.reason().code;
            return std::nullopt;
        }
        return json::parse(boost::beast::buffers_to_string(buf_.data()));
    }

    // Reads until a message of `type` (skipping others), or nullopt.
    std::optional<json> read_type(const std::string& type, std::chrono::milliseconds t = 5s) {
        for (;;) {
            auto m = read(t);
            if (!m) return m;
            if ((*m)["type"] == type) return m;
        }
    }

    // Reads until the server closes; true if it did within `t`.
    bool wait_closed(std::chrono::milliseconds t = 5s) {
        auto deadline = std::chrono::steady_clock::now() + t;
        while (std::chrono::steady_clock::now() < deadline) {
            auto m = read(std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now()));
            if (!m) return closed;
        }
        return false;
    }

    tcp::socket& socket() { return ws_.next_layer(); }

    bool closed = false;
    bool timed_out = false;
    std::uint16_t close_code = 0;

private:
    std::uint16_t port_;
    net::io_context ioc_;
    websocket::stream<tcp::socket> ws_{ioc_};
    boost::beast::flat_buffer buf_;
};

// An upgrade request on a plain socket: the HTTP status of the answer (Beast 1.74's client
// handshake does not hand out a refused answer).
int upgrade_status(std::uint16_t port, const std::string& authorization) {
    namespace bhttp = boost::beast::http;
    net::io_context ioc;
    tcp::socket s(ioc);
    s.connect({net::ip::make_address("127.0.0.1"), port});
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/api/realtime", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::connection, "Upgrade");
    req.set(bhttp::field::upgrade, "websocket");
    req.set(bhttp::field::sec_websocket_version, "13");
    req.set(bhttp::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    if (!authorization.empty()) req.set(bhttp::field::authorization, authorization);
    bhttp::write(s, req);
    boost::beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(s, buf, res);
    return res.result_int();
}

class WsServerTest : public ::testing::Test {
protected:
    void start(Options o = {}) {
        hub_ = std::make_unique<Hub>(ioc_, HubOptions{2, 50ms});
        server_ = std::make_unique<Server>(*hub_, nullptr, fake_auth, o);
        router_.add_upgrade("/api/realtime", server_->upgrade_handler());
        http::ServerOptions ho;
        ho.host = "127.0.0.1";
        ho.port = 0;
        http_ = std::make_unique<http::Server>(ioc_, ho, router_, registry_);
        http_->start();
        hub_->start();
        for (int i = 0; i < 2; ++i)
            threads_.emplace_back([this] { ioc_.run(); });
    }

    void TearDown() override {
        if (server_) {
            std::promise<void> done;
            server_->stop(2s, [&done] { done.set_value(); });
            done.get_future().wait();
            std::promise<void> http_done;
            http_->stop(2s, [&http_done] { http_done.set_value(); });
            http_done.get_future().wait();
            hub_->stop();
        }
        ioc_.stop();
        for (auto& t : threads_)
            t.join();
        http_.reset();
        server_.reset();
        hub_.reset();
    }

    std::unique_ptr<Client> client(std::string authorization = {}) {
        auto c = std::make_unique<Client>(http_->port());
        EXPECT_TRUE(c->open(std::move(authorization)));
        auto hello = c->read();
        EXPECT_TRUE(hello && (*hello)["type"] == "hello");
        return c;
    }

    void subscribe(Client& c, const std::string& stream) {
        c.send(json{{"type", "subscribe"}, {"streamId", stream}, {"id", "sub"}});
        auto ack = c.read_type("ack");
        ASSERT_TRUE(ack);
        EXPECT_EQ((*ack)["id"], "sub");
    }

    net::io_context ioc_;
    prometheus::Registry registry_;
    http::Router router_;
    std::unique_ptr<Hub> hub_;
    std::unique_ptr<Server> server_;
    std::unique_ptr<http::Server> http_;
    std::vector<std::thread> threads_;
};

TEST_F(WsServerTest, HelloPingAndTheEventsOfARoom) {
    start();
    auto c = std::make_unique<Client>(http_->port());
    ASSERT_TRUE(c->open());
    auto hello = c->read();
    ASSERT_TRUE(hello);
    EXPECT_EQ((*hello)["type"], "hello");
    EXPECT_EQ((*hello)["data"]["version"], 1);
    EXPECT_EQ((*hello)["data"]["authenticated"], false);

    c->send(json{{"type", "ping"}, {"id", 5}});
    auto pong = c->read();
    ASSERT_TRUE(pong);
    EXPECT_EQ(*pong, (json{{"type", "pong"}, {"id", 5}}));

    c->send(json{{"type", "subscribe"}, {"streamId", "s1"}, {"id", "a"}});
    auto viewers = c->read();
    ASSERT_TRUE(viewers);
    EXPECT_EQ((*viewers)["type"], "viewers");
    EXPECT_EQ((*viewers)["data"]["count"], 1);
    auto ack = c->read();
    ASSERT_TRUE(ack);
    EXPECT_EQ((*ack)["type"], "ack");
    EXPECT_EQ((*ack)["for"], "subscribe");

    for (int i = 0; i < 100; ++i)
        hub_->deliver(Event{"s1", "reaction", {{"n", i}}, std::nullopt});
    hub_->deliver(Event{"other", "reaction", {{"n", -1}}, std::nullopt});
    for (int i = 0; i < 100; ++i) {
        auto m = c->read_type("reaction");
        ASSERT_TRUE(m);
        EXPECT_EQ((*m)["streamId"], "s1");
        EXPECT_EQ((*m)["data"]["n"], i);  // in order
    }

    c->send(json{{"type", "unsubscribe"}, {"streamId", "s1"}, {"id", "u"}});
    ack = c->read_type("ack");
    ASSERT_TRUE(ack);
    EXPECT_EQ((*ack)["for"], "unsubscribe");
    c->send(json{{"type", "unsubscribe"}, {"streamId", "s1"}});
    auto err = c->read_type("error");
    ASSERT_TRUE(err);
    EXPECT_EQ((*err)["data"]["code"], "not_subscribed");
}

TEST_F(WsServerTest, BadFramesAreAnsweredAndTheConnectionStays) {
    start();
    auto c = client();
    auto expect_error = [&](const std::string& code) {
        auto m = c->read();
        ASSERT_TRUE(m);
        EXPECT_EQ((*m)["type"], "error");
        EXPECT_EQ((*m)["data"]["code"], code);
    };
    c->send(std::string("not json"));
    expect_error("bad_message");
    c->send_binary("\x01\x02\x03");
    expect_error("bad_message");
    c->send(std::string(20 * 1024, 'x'));
    expect_error("too_large");
    c->send(json{{"type", "warp"}, {"id", 3}});
    auto m = c->read();
    ASSERT_TRUE(m);
    EXPECT_EQ((*m)["data"]["code"], "unknown_type");
    EXPECT_EQ((*m)["id"], 3);
    c->send(json{{"type", "subscribe"}});
    m = c->read();
    ASSERT_TRUE(m);
    EXPECT_EQ((*m)["data"]["code"], "validation_failed");
    EXPECT_EQ((*m)["data"]["field"], "streamId");
    c->send(json{{"type", "chat.send"}, {"streamId", "s"}, {"content", "hi"}});
    expect_error("not_authenticated");
    c->send(json{{"type", "ping"}});
    m = c->read();
    ASSERT_TRUE(m);
    EXPECT_EQ((*m)["type"], "pong");
}

TEST_F(WsServerTest, AFloodOfBadFramesIsClosed) {
    start();
    auto c = client();
    for (int i = 0; i < 30; ++i)
        c->send(std::string("garbage"));
    EXPECT_TRUE(c->wait_closed());
    EXPECT_EQ(c->close_code, 1008);
}

TEST_F(WsServerTest, AuthenticationByHeaderOrMessage) {
    start();
    auto ok = std::make_unique<Client>(http_->port());
    ASSERT_TRUE(ok->open("Bearer good"));
    auto hello = ok->read();
    ASSERT_TRUE(hello);
    EXPECT_EQ((*hello)["data"]["authenticated"], true);
    EXPECT_EQ((*hello)["data"]["userId"], "u1");

    EXPECT_EQ(upgrade_status(http_->port(), "Bearer nope"), 401);

    auto c = client();
    c->send(json{{"type", "auth"}, {"token", "nope"}, {"id", 1}});
    auto m = c->read();
    ASSERT_TRUE(m);
    EXPECT_EQ((*m)["data"]["code"], "unauthorized");
    EXPECT_EQ((*m)["data"]["message"], "unknown or revoked token");
    c->send(json{{"type", "auth"}, {"token", "good"}, {"id", 2}});
    m = c->read();
    ASSERT_TRUE(m);
    EXPECT_EQ((*m)["type"], "ack");
    EXPECT_EQ((*m)["data"]["userId"], "u1");
    EXPECT_EQ((*m)["data"]["role"], "viewer");
    // Now a chat action passes authentication (and finds no chat service here).
    c->send(json{{"type", "chat.send"}, {"streamId", "s"}, {"content", "hi"}});
    m = c->read();
    ASSERT_TRUE(m);
    EXPECT_EQ((*m)["data"]["code"], "unavailable");
}

TEST_F(WsServerTest, ModerationEventsReachOnlyTheirUser) {
    start();
    auto user = client("Bearer good");
    auto anon = client();
    subscribe(*user, "s");
    subscribe(*anon, "s");
    Event e{"s", "moderation", {{"action", "ban"}}, std::string("u1")};
    hub_->deliver(e);
    hub_->deliver(Event{"s", "reaction", {{"n", 1}}, std::nullopt});
    auto m = user->read_type("moderation");
    ASSERT_TRUE(m);
    EXPECT_EQ((*m)["data"]["action"], "ban");
    m = anon->read();
    while (m && (*m)["type"] == "viewers")
        m = anon->read();
    ASSERT_TRUE(m);
    EXPECT_EQ((*m)["type"], "reaction");  // the ban was not sent to it
}

TEST_F(WsServerTest, ViewerCountsAreAnnouncedWhenTheyChange) {
    start();
    auto a = client();
    subscribe(*a, "room");
    auto b = client();
    subscribe(*b, "room");
    // a hears the count go to 2 on a tick (it may first hear 1).
    std::optional<json> v;
    do {
        v = a->read_type("viewers");
        ASSERT_TRUE(v);
    } while ((*v)["data"]["count"] != 2);
    b.reset();  // b leaves: a hears 1
    do {
        v = a->read_type("viewers");
        ASSERT_TRUE(v);
    } while ((*v)["data"]["count"] != 1);
}

TEST_F(WsServerTest, ADeadClientIsDroppedAfterAnUnansweredPing) {
    Options o;
    o.ping_interval = 100ms;
    o.ping_timeout = 200ms;
    start(o);
    auto dead = client();
    subscribe(*dead, "s");  // no auth deadline for a subscriber
    auto alive = client();
    subscribe(*alive, "s");
    // `alive` keeps talking; `dead` neither reads nor answers the server's pings.
    auto until = std::chrono::steady_clock::now() + 800ms;
    while (std::chrono::steady_clock::now() < until) {
        alive->send(json{{"type", "ping"}});
        ASSERT_TRUE(alive->read_type("pong"));
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(hub_->totals().heartbeat_closed, 1u);
    // The dead one finds its socket closed, without a close frame.
    EXPECT_TRUE(dead->wait_closed(2s));
}

TEST_F(WsServerTest, AConnectionThatNeverSubscribesOrAuthenticatesIsClosed) {
    Options o;
    o.auth_timeout = 200ms;
    start(o);
    auto idle = client();
    auto subscriber = client();
    subscribe(*subscriber, "s");
    EXPECT_TRUE(idle->wait_closed(3s));
    EXPECT_EQ(idle->close_code, 1008);
    subscriber->send(json{{"type", "ping"}});
    EXPECT_TRUE(subscriber->read_type("pong"));
}

TEST_F(WsServerTest, ASlowConsumerLosesEventsThenIsClosedAndTheOthersGetEverything) {
    Options o;
    o.max_queued_bytes = 64 * 1024;
    o.slow_timeout = 300ms;
    start(o);
    auto slow = client();
    subscribe(*slow, "s");
    auto fast = client();
    subscribe(*fast, "s");
    // Keep the slow client's kernel buffer small so the server's queue fills.
    int small = 4096;
    ::setsockopt(slow->socket().native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    const int kEvents = 5000;
    std::string blob(2000, 'x');
    // 10 MB: more than the kernel buffers of the slow one hold. The producer never runs more
    // than kAhead events (about 32 KiB) ahead of what the fast one has read, so the fast one
    // stays under its 64 KiB budget however busy the machine is: a reader that keeps up is
    // never dropped, whatever the speed.
    constexpr int kAhead = 16;
    std::atomic<int> got{0};
    std::atomic<bool> reader_failed{false};
    std::thread producer([&] {
        for (int i = 0; i < kEvents && !reader_failed; ++i) {
            while (i - got.load() >= kAhead && !reader_failed)
                std::this_thread::sleep_for(100us);
            hub_->deliver(Event{"s", "reaction", {{"n", i}, {"blob", blob}}, std::nullopt});
        }
    });
    std::string first_wrong;
    while (got < kEvents) {
        auto m = fast->read_type("reaction");
        if (!m || (*m)["data"]["n"] != got.load()) {
            first_wrong = m ? (*m)["data"]["n"].dump() : "nothing";
            reader_failed = true;
            break;
        }
        ++got;
    }
    producer.join();
    ASSERT_EQ(got.load(), kEvents)
        << "the fast one expected event " << got << ", got " << first_wrong;
    EXPECT_GT(hub_->totals().dropped, 0u);
    // Not reading at all: closed as too slow (1013), after slow_timeout. Then its close frame
    // cannot get through a full buffer: the socket is closed after the linger.
    auto deadline = std::chrono::steady_clock::now() + 5s;
    const auto closed = [&] {
        return hub_->totals().slow_closed == 1 && server_->stats().open == 1;
    };
    while (!closed() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(20ms);
    EXPECT_EQ(hub_->totals().slow_closed, 1u);
    EXPECT_EQ(server_->stats().open, 1);
}

TEST_F(WsServerTest, BeyondMaxConnectionsTheUpgradeIs503) {
    Options o;
    o.max_connections = 2;
    start(o);
    auto a = client();
    auto b = client();
    EXPECT_EQ(upgrade_status(http_->port(), {}), 503);
    EXPECT_EQ(server_->stats().rejected, 1u);
}

TEST_F(WsServerTest, StopClosesEverySessionWithGoingAway) {
    start();
    auto a = client();
    auto b = client();
    subscribe(*b, "s");
    std::promise<void> done;
    server_->stop(2s, [&done] { done.set_value(); });
    EXPECT_TRUE(a->wait_closed());
    EXPECT_EQ(a->close_code, 1001);
    EXPECT_TRUE(b->wait_closed());
    EXPECT_EQ(b->close_code, 1001);
    EXPECT_EQ(done.get_future().wait_for(3s), std::future_status::ready);
    EXPECT_EQ(server_->stats().open, 0);
}

}  // namespace
}  // namespace nchat::realtime::ws
