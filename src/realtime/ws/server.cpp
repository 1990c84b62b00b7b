#include "realtime/ws/server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "realtime/hub.hpp"
#include "realtime/ws/detail/context.hpp"
#include "realtime/ws/detail/session.hpp"
#include "util/log.hpp"

namespace nchat::realtime::ws {
namespace {

namespace bhttp = boost::beast::http;
using boost::system::error_code;
using tcp = net::ip::tcp;

// Before the handshake a refusal is an HTTP answer (DESIGN.md's JSON error), then a close.
net::awaitable<void> refuse(boost::beast::tcp_stream stream,
                            unsigned version,
                            bhttp::status status,
                            std::string code,
                            std::string message) {
    bhttp::response<bhttp::string_body> res{status, version};
    res.set(bhttp::field::server, "nchat-live");
    res.set(bhttp::field::content_type, "application/json");
    if (status == bhttp::status::service_unavailable) res.set(bhttp::field::retry_after, "1");
    res.keep_alive(false);
    res.body() = nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump();
    res.prepare_payload();
    stream.expires_after(std::chrono::seconds(5));
    error_code ec;
    co_await bhttp::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.close();
}

}  // namespace

Server::Server(Hub& hub, Service* service, Authenticator authenticate, Options opts)
    : ctx_(std::make_shared<Context>(
          hub, service, std::move(authenticate), opts, util::logger("realtime"))) {}

Server::~Server() {
    ctx_->stopping = true;
}

http::UpgradeHandler Server::upgrade_handler() {
    return [ctx = ctx_](http::Upgrade&& up) {
        auto version = up.request.version();
        bool full = ctx->open.load() >= std::int64_t(ctx->opts.max_connections);
        if (ctx->stopping.load() || full) {
            ctx->rejected.fetch_add(1, std::memory_order_relaxed);
            auto ex = up.stream.get_executor();
            net::co_spawn(ex,
                          refuse(std::move(up.stream), version, bhttp::status::service_unavailable,
                                 "unavailable",
                                 ctx->stopping.load() ? "server shutting down"
                                                      : "too many realtime connections"),
                          net::detached);
            return;
        }
        // The connection moves to a shard: its socket is re-made on the shard's strand, so the
        // session, its room fan-out and its writes share one executor.
        auto& shard = ctx->hub.pick_shard();
        error_code ec;
        auto old = up.stream.release_socket();
        auto protocol = old.local_endpoint(ec).protocol();
        if (ec) return;  // the peer already left
        auto fd = old.release(ec);
        if (ec) return;
        tcp::socket socket(shard.executor());
        socket.assign(protocol, fd, ec);
        if (ec) {
            ::close(fd);
            return;
        }
        auto session = std::make_shared<detail::Session>(
            ctx, shard, std::move(socket), std::move(up.peer), std::move(up.address_slot));
        net::post(shard.executor(), [session, req = std::move(up.request)]() mutable {
            session->start(std::move(req));
        });
    };
}

void Server::stop(std::chrono::milliseconds deadline, std::function<void()> done) {
    auto ctx = ctx_;
    ctx->stopping = true;
    {
        std::lock_guard lock(ctx->mu);
        ctx->on_drained = std::move(done);
    }
    if (ctx->open.load() == 0) {
        ctx->drained();
        return;
    }
    auto& hub = ctx->hub;
    for (std::size_t i = 0; i < hub.shard_count(); ++i) {
        auto* shard = &hub.shard(i);
        net::post(shard->executor(), [shard] { shard->shutdown_all(false); });
    }
    auto timer = std::make_shared<net::steady_timer>(hub.shard(0).executor(), deadline);
    timer->async_wait([ctx, timer](error_code ec) {
        if (ec) return;
        auto& hub = ctx->hub;
        std::int64_t left = ctx->open.load();
        if (left > 0) ctx->log->info("stop deadline passed: dropping {} connection(s)", left);
        // Dropped on their strands, then `done`: posted behind the drops on every shard.
        auto remaining = std::make_shared<std::atomic<std::size_t>>(hub.shard_count());
        for (std::size_t i = 0; i < hub.shard_count(); ++i) {
            auto* shard = &hub.shard(i);
            net::post(shard->executor(), [shard, ctx, remaining] {
                shard->shutdown_all(true);
                if (remaining->fetch_sub(1) == 1) ctx->drained();
            });
        }
    });
}

Stats Server::stats() const {
    Stats s;
    s.accepted = ctx_->accepted.load(std::memory_order_relaxed);
    s.rejected = ctx_->rejected.load(std::memory_order_relaxed);
    s.open = ctx_->open.load(std::memory_order_relaxed);
    return s;
}

}  // namespace nchat::realtime::ws
