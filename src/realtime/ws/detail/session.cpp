#include "realtime/ws/detail/session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/error.hpp>

#include "realtime/events.hpp"
#include "realtime/ws/limits.hpp"

namespace nchat::realtime::ws::detail {
namespace {

namespace websocket = boost::beast::websocket;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using json = nlohmann::json;

TimePoint now() {
    return std::chrono::steady_clock::now();
}

// RFC 6455 §7.4.1 and the IANA registry.
constexpr std::uint16_t kGoingAway = 1001;
constexpr std::uint16_t kPolicyViolation = 1008;
constexpr std::uint16_t kTryAgainLater = 1013;

const Frame& ping() {
    static const Frame f = std::make_shared<const std::string>(ping_frame());
    return f;
}

}  // namespace

Session::Session(std::shared_ptr<Server::Context> ctx,
                 Shard& shard,
                 net::ip::tcp::socket socket,
                 std::string peer,
                 std::shared_ptr<void> address_slot)
    : ctx_(std::move(ctx)),
      shard_(shard),
      ws_(std::move(socket), static_cast<FrameSink&>(*this)),
      peer_(std::move(peer)),
      address_slot_(std::move(address_slot)),
      created_(now()),
      last_rx_(created_) {
    ctx_->open.fetch_add(1);
    ctx_->accepted.fetch_add(1, std::memory_order_relaxed);
}

Session::~Session() {
    // Destroyed with the io_context at exit, the shard may be gone: it is not touched here.
    ctx_->session_gone();
}

void Session::start(http::RawRequest request) {
    shard_.attach(*this);
    attached_ = true;
    error_code ec;
    // Writes are tried at once and never block (flush); reads stay asynchronous.
    socket().non_blocking(true, ec);
    // Held apart from the coroutine frames, which live as long as the connection: freed once
    // the handshake is answered.
    request_ = std::make_unique<http::RawRequest>(std::move(request));
    net::co_spawn(
        shard_.executor(), [self = shared_from_this()]() { return self->run(); }, net::detached);
}

net::awaitable<void> Session::run() {
    try {
        bool open = co_await handshake(*request_);
        request_.reset();
        if (open) co_await read_loop();
    } catch (const std::exception& e) {
        ctx_->log->error("peer={} session failed: {}", peer_, e.what());
    }
    finish();
}

net::awaitable<bool> Session::handshake(http::RawRequest& request) {
    auto header = request[bhttp::field::authorization];
    if (!header.empty()) {
        std::string refusal;
        try {
            std::string value(header);
            who_ = co_await ctx_->authenticate(std::move(value));
        } catch (const std::exception& e) {
            refusal = e.what();
        }
        if (!refusal.empty()) {
            ctx_->rejected.fetch_add(1, std::memory_order_relaxed);
            bhttp::response<bhttp::string_body> res{bhttp::status::unauthorized, request.version()};
            res.set(bhttp::field::server, "nchat-live");
            res.set(bhttp::field::content_type, "application/json");
            res.set(bhttp::field::www_authenticate, "Bearer");
            res.keep_alive(false);
            res.body() = json{{"error", {{"code", "unauthorized"}, {"message", refusal}}}}.dump(
                -1, ' ', false, json::error_handler_t::replace);
            res.prepare_payload();
            error_code ec;
            co_await bhttp::async_write(ws_.next_layer(), res,
                                        net::redirect_error(net::use_awaitable, ec));
            co_return false;
        }
    }
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(bhttp::field::server, "nchat-live"); }));
    ws_.read_message_max(limits::kMaxSkippableMessageBytes);
    ws_.control_callback([this](websocket::frame_type, boost::beast::string_view) {
        last_rx_ = now();
        ping_outstanding_ = false;
    });
    error_code ec;
    co_await ws_.async_accept(request, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return false;  // Beast answered the bad upgrade (400)
    state_ = State::open;
    last_rx_ = now();
    json data = {{"version", protocol::kVersion},
                 {"authenticated", who_.has_value()},
                 {"pingIntervalSeconds", ctx_->opts.ping_interval.count() / 1000},
                 {"maxMessageBytes", ctx_->opts.max_message_bytes}};
    if (who_) data["userId"] = who_->user_id;
    send_json(protocol::encode_event("hello", "", data));
    co_return true;
}

net::awaitable<void> Session::read_loop() {
    // One chunk at a time into a buffer of this frame, so an idle connection holds no
    // message buffer; a message is gathered in `msg` and freed once handled.
    std::array<char, limits::kReadChunk> chunk;
    std::string msg;
    bool oversize = false;
    for (;;) {
        error_code ec;
        auto n = co_await ws_.async_read_some(net::buffer(chunk),
                                              net::redirect_error(net::use_awaitable, ec));
        if (ec) co_return;  // closed, reset, or a protocol error Beast closed with its code
        last_rx_ = now();
        ping_outstanding_ = false;
        if (!oversize) {
            if (msg.size() + n > ctx_->opts.max_message_bytes) {
                oversize = true;
                std::string().swap(msg);
            } else {
                msg.append(chunk.data(), n);
            }
        }
        if (!ws_.is_message_done()) continue;
        if (state_ != State::open) {
            // Closing: the peer's close frame is awaited, its messages are not answered.
        } else if (oversize) {
            bad_frame(
                protocol::code::kTooLarge,
                "message larger than " + std::to_string(ctx_->opts.max_message_bytes) + " bytes");
        } else if (ws_.got_binary()) {
            bad_frame(protocol::code::kBadMessage, "binary messages are not part of the protocol");
        } else {
            co_await handle(std::move(msg));
        }
        std::string().swap(msg);
        oversize = false;
    }
}

void Session::bad_frame(std::string_view code, std::string_view message, const json& id) {
    shard_.stats().bad_frames.fetch_add(1, std::memory_order_relaxed);
    auto t = now();
    if (t - bad_window_ > limits::kBadFrameWindow) {
        bad_window_ = t;
        bad_frames_ = 0;
    }
    if (++bad_frames_ > limits::kMaxBadFrames) {
        if (ctx_->should_warn(Server::Context::Warn::flood)) {
            ctx_->log->warn("peer={} closed: more than {} bad messages in {} s", peer_,
                            limits::kMaxBadFrames, limits::kBadFrameWindow.count());
        }
        close(kPolicyViolation, "too many bad messages", true);
        return;
    }
    send_json(protocol::encode_error(id, {}, code, message));
}

// ---- rooms ----

void Session::deliver(const OutEventPtr& e) {
    if (state_ != State::open) return;
    if (e->user_id && e->type == kAccessRevoked) {
        // This user may no longer see the stream: told so, then the connection closes (after
        // the delivery loop, which walks the room's members). Subscribing again after a
        // reconnect is refused like any stream one may not see.
        send(e->frame);
        net::post(socket().get_executor(), [self = shared_from_this()] {
            self->close(kPolicyViolation, "access to a private stream was revoked", false);
        });
        return;
    }
    if (replaying_ > 0) {
        if (auto* s = find(e->stream_id); s && s->replaying) {
            if (s->held.size() < limits::kMaxHeldDuringReplay) {
                s->held.push_back(e);
            } else {
                shard_.stats().dropped.fetch_add(1, std::memory_order_relaxed);
            }
            return;
        }
    }
    send(e->frame);
}

void Session::moved(Room& room, std::size_t index) {
    for (auto& s : subs_) {
        if (s.room == &room) s.index = index;
    }
}

Session::Subscription* Session::find(const std::string& stream_id) {
    for (auto& s : subs_) {
        if (s.room->stream_id() == stream_id) return &s;
    }
    return nullptr;
}

void Session::leave_all() {
    // Leaving erases an emptied room: take each subscription out before its room goes.
    while (!subs_.empty()) {
        auto s = std::move(subs_.back());
        subs_.pop_back();
        shard_.rooms().leave(*s.room, s.index);
    }
    replaying_ = 0;
}

void Session::tick(TimePoint t) {
    const auto& o = ctx_->opts;
    if (state_ == State::closing || run_done_) {
        if (t - closing_since_ >= limits::kCloseLinger) abort();
        return;
    }
    if (state_ != State::open) return;
    if (lag_dropped_ > 0 && t - lag_since_ >= o.slow_timeout) {
        shard_.stats().slow_closed.fetch_add(1, std::memory_order_relaxed);
        if (ctx_->should_warn(Server::Context::Warn::slow)) {
            ctx_->log->warn("peer={} closed: too slow to read its events ({} dropped)", peer_,
                            lag_dropped_);
        }
        close(kTryAgainLater, "slow consumer", true);
        return;
    }
    if (!who_ && subs_.empty() && t - created_ >= o.auth_timeout) {
        if (ctx_->should_warn(Server::Context::Warn::auth_timeout)) {
            ctx_->log->warn("peer={} closed: neither authenticated nor subscribed in {} ms", peer_,
                            o.auth_timeout.count());
        }
        close(kPolicyViolation, "authentication timeout", false);
        return;
    }
    if (ping_outstanding_) {
        if (t - ping_sent_ >= o.ping_timeout) {
            shard_.stats().heartbeat_closed.fetch_add(1, std::memory_order_relaxed);
            if (ctx_->should_warn(Server::Context::Warn::heartbeat)) {
                ctx_->log->warn("peer={} dropped: no answer to a ping in {} ms", peer_,
                                o.ping_timeout.count());
            }
            abort();
        }
        return;
    }
    if (t - last_rx_ >= o.ping_interval) {
        ping_outstanding_ = true;
        ping_sent_ = t;
        push_control(ping());
    }
}

void Session::shutdown(bool now) {
    if (now) {
        abort();
    } else {
        close(kGoingAway, "server shutting down", false);
    }
}

// ---- output ----

void Session::send_json(std::string text) {
    send(make_text_frame(text));
}

void Session::send(Frame f) {
    if (state_ == State::closed || closing_output_) return;
    const auto& o = ctx_->opts;
    if (out_.frames() >= o.max_queued_frames || out_.bytes() + f->size() > o.max_queued_bytes) {
        // A slow reader loses events (counted); the room never waits for it.
        shard_.stats().dropped.fetch_add(1, std::memory_order_relaxed);
        if (lag_dropped_++ == 0) lag_since_ = now();
        return;
    }
    out_.push(std::move(f));
    flush();
}

void Session::push_control(Frame f) {
    if (state_ == State::closed || closing_output_) return;
    if (out_.bytes() > ctx_->opts.max_queued_bytes + limits::kMaxControlBytes) return;
    out_.push(std::move(f));
    flush();
}

void Session::write_control(std::string bytes) {
    push_control(std::make_shared<const std::string>(std::move(bytes)));
}

void Session::teardown() {
    // Beast answered the peer's close: what is queued goes out, then the socket closes.
    if (state_ == State::open || state_ == State::handshake) {
        state_ = State::closing;
        closing_since_ = now();
    }
    closing_output_ = true;
    flush();
}

void Session::flush() {
    if (waiting_writable_ || state_ == State::closed) return;
    while (!output_shut_ && !out_.empty()) {
        auto g = out_.gather();
        std::size_t want = 0;
        for (const auto& b : g)
            want += b.size();
        error_code ec;
        auto n = socket().write_some(g, ec);
        if (ec && ec != net::error::would_block && ec != net::error::try_again) {
            abort();  // the peer is gone; the read fails too and run() ends
            return;
        }
        out_.consume(n);
        if (n < want) {
            wait_writable();  // the socket buffer is full
            return;
        }
    }
    drained();
}

void Session::wait_writable() {
    waiting_writable_ = true;
    socket().async_wait(net::socket_base::wait_write, [self = shared_from_this()](error_code ec) {
        self->waiting_writable_ = false;
        if (ec) {
            if (ec != net::error::operation_aborted) self->abort();
            return;
        }
        self->flush();
    });
}

void Session::drained() {
    if (lag_dropped_ > 0 && !closing_output_) {
        // The reader caught up: tell it how much it missed (it may refetch over REST).
        auto missed = std::exchange(lag_dropped_, 0);
        lag_since_ = {};
        send_json(protocol::encode_event("dropped", "", json{{"count", missed}}));
        return;
    }
    if (closing_output_ && !output_shut_) {
        output_shut_ = true;
        error_code ec;
        socket().shutdown(net::socket_base::shutdown_send, ec);
    }
    if (run_done_) release();
}

void Session::close(std::uint16_t code, std::string_view reason, bool discard_queue) {
    if (state_ == State::closing || state_ == State::closed) return;
    if (discard_queue) out_.drop_unsent(0);
    state_ = State::closing;
    closing_since_ = now();
    out_.push(std::make_shared<const std::string>(close_frame(code, reason)));
    closing_output_ = true;
    flush();
}

void Session::abort() {
    release();
}

void Session::finish() {
    leave_all();
    run_done_ = true;
    if (state_ != State::closing && state_ != State::closed) {
        state_ = State::closing;
        closing_since_ = now();
    }
    closing_output_ = true;
    flush();  // when the queue is written (now, or once writable): shut down and release
}

void Session::release() {
    if (state_ != State::closed) {
        state_ = State::closed;
        error_code ec;
        socket().close(ec);
    }
    if (attached_) {
        attached_ = false;
        shard_.detach(*this);
    }
}

}  // namespace nchat::realtime::ws::detail
