#pragma once
// One WebSocket connection (docs/realtime.md). A coroutine reads it top to bottom: handshake
// (Authorization header, or later an `auth` message), then one client message at a time, each
// answered in order. Events of its rooms arrive from the shard as shared frames and are
// written without copies, as many per syscall as are waiting; the queue is bounded, and a
// connection that stays too slow is closed. Everything runs on the shard's strand; the session
// is kept alive by its coroutine and its pending wait for writability.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <nlohmann/json.hpp>

#include "auth/permissions.hpp"
#include "http/router.hpp"
#include "realtime/hub.hpp"
#include "realtime/protocol.hpp"
#include "realtime/rooms.hpp"
#include "realtime/ws/detail/context.hpp"
#include "realtime/ws/detail/out_socket.hpp"
#include "realtime/ws/frame_queue.hpp"

namespace nchat::realtime::ws::detail {

using TimePoint = std::chrono::steady_clock::time_point;

class Session final : public std::enable_shared_from_this<Session>,
                      public Member,
                      private FrameSink {
public:
    // `socket` runs on `shard`'s strand.
    Session(std::shared_ptr<Server::Context> ctx,
            Shard& shard,
            net::ip::tcp::socket socket,
            std::string peer,
            std::shared_ptr<void> address_slot);
    ~Session() override;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // On the shard's strand: registers with the shard and runs the session.
    void start(http::RawRequest request);

    // Member (on the shard's strand)
    void deliver(const OutEventPtr& e) override;
    const std::string* user_id() const override { return who_ ? &who_->user_id : nullptr; }
    void moved(Room& room, std::size_t index) override;
    void tick(TimePoint now) override;
    void shutdown(bool now) override;

private:
    enum class State : std::uint8_t { handshake, open, closing, closed };
    struct Subscription {
        Room* room = nullptr;
        std::size_t index = 0;
        bool replaying = false;
        std::vector<OutEventPtr> held;  // live events while the replay is read
    };

    net::awaitable<void> run();
    net::awaitable<bool> handshake(http::RawRequest& request);
    net::awaitable<void> read_loop();
    // session_requests.cpp
    net::awaitable<void> handle(std::string text);
    net::awaitable<void> authenticate(const protocol::Request& r);
    net::awaitable<void> subscribe(const protocol::Request& r);
    void unsubscribe(const protocol::Request& r);
    net::awaitable<nlohmann::json> act(const protocol::Request& r);

    Subscription* find(const std::string& stream_id);
    void leave_all();
    void bad_frame(std::string_view code, std::string_view message, const nlohmann::json& id = {});

    // Output: queued, written when the socket takes it.
    void send_json(std::string json);  // one text frame built for this connection
    void send(Frame f);                // bounded: refused (and counted) when full
    void write_control(std::string bytes) override;
    void teardown() override;
    void flush();
    void wait_writable();
    void push_control(Frame f);
    void drained();
    void close(std::uint16_t code, std::string_view reason, bool discard_queue);
    void abort();    // drop the connection now
    void finish();   // run() ended: leave the rooms, write what is queued, close
    void release();  // close the socket and leave the shard (once)
    net::ip::tcp::socket& socket() { return ws_.next_layer().socket(); }

    std::shared_ptr<Server::Context> ctx_;
    Shard& shard_;
    boost::beast::websocket::stream<OutSocket, false> ws_;
    FrameQueue out_;
    std::unique_ptr<http::RawRequest> request_;  // until the handshake is answered
    std::optional<auth::Principal> who_;
    std::vector<Subscription> subs_;
    std::string peer_;
    std::shared_ptr<void> address_slot_;  // the HTTP server's per-address count, held while open
    TimePoint created_;
    TimePoint last_rx_;
    TimePoint ping_sent_;
    TimePoint lag_since_;  // first refused frame of a slow spell; zero when keeping up
    TimePoint closing_since_;
    TimePoint bad_window_;  // start of the bad-frame window
    std::uint32_t lag_dropped_ = 0;
    std::uint16_t bad_frames_ = 0;
    std::uint8_t replaying_ = 0;  // subscriptions still replaying
    State state_ = State::handshake;
    bool waiting_writable_ = false;
    bool ping_outstanding_ = false;
    bool closing_output_ = false;  // a close frame is queued: nothing more goes out
    bool output_shut_ = false;     // the queue is written and sending is shut down
    bool run_done_ = false;        // the coroutine ended: close once the queue is written
    bool attached_ = false;        // in the shard's list of connections
};

}  // namespace nchat::realtime::ws::detail
