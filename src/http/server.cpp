#include "http/server.hpp"

#include <system_error>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/detail/server_core.hpp"
#include "http/detail/session.hpp"

namespace nchat::http {

using boost::system::error_code;
using tcp = net::ip::tcp;

// The listener, and the stop sequence. Acceptor and stop timer live on `strand`.
struct Server::Impl : detail::ServerCore, std::enable_shared_from_this<Server::Impl> {
    Impl(net::io_context& io, ServerOptions o, const Router& r, prometheus::Registry& reg)
        : ServerCore(std::move(o), r, reg),
          ioc(io),
          strand(net::make_strand(io)),
          acceptor(strand),
          stop_timer(strand) {}

    net::io_context& ioc;
    net::strand<net::io_context::executor_type> strand;
    tcp::acceptor acceptor;
    net::steady_timer stop_timer;
    std::function<void()> done;  // under mu_; taken by whoever runs it first
    std::uint16_t port = 0;

    net::awaitable<void> accept_loop() {
        auto self = shared_from_this();
        net::steady_timer backoff(strand);
        for (;;) {
            error_code ec;
            // Named before the co_await: g++ 12 mishandles such temporaries inside one.
            net::any_io_executor where = opts.connection_executor
                                             ? opts.connection_executor()
                                             : net::any_io_executor(net::make_strand(ioc));
            auto socket =
                co_await acceptor.async_accept(where, net::redirect_error(net::use_awaitable, ec));
            if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
            if (ec) {
                // Out of descriptors, usually: wait instead of spinning on the error.
                log->warn("accept failed: {}", ec.message());
                backoff.expires_after(std::chrono::milliseconds(100));
                co_await backoff.async_wait(net::redirect_error(net::use_awaitable, ec));
                continue;
            }
            socket.set_option(tcp::no_delay(true), ec);
            detail::Session::start(std::move(socket), self);
        }
    }

    std::vector<std::shared_ptr<detail::Session>> live_sessions() {
        std::vector<std::shared_ptr<detail::Session>> out;
        std::lock_guard lock(mu_);
        out.reserve(sessions_.size());
        for (auto& [id, w] : sessions_) {
            if (auto s = w.lock()) out.push_back(std::move(s));
        }
        return out;
    }

    std::function<void()> take_done() {
        std::lock_guard lock(mu_);
        return std::exchange(done, nullptr);
    }

    void on_drained(std::unique_lock<std::mutex>& lock) override {
        auto d = std::exchange(done, nullptr);
        lock.unlock();
        if (!d) return;
        net::post(strand, [self = shared_from_this()] { self->stop_timer.cancel(); });
        d();
    }

    // The Server is going away: sessions must no longer touch metrics or call `done`.
    void detach() {
        std::lock_guard lock(mu_);
        alive_ = false;
        done = nullptr;
    }

    // Returns true when no session is open.
    bool set_done(std::function<void()> d) {
        std::lock_guard lock(mu_);
        done = std::move(d);
        return sessions_.empty();
    }

    void close_all() {
        for (auto& s : live_sessions()) {
            net::post(s->executor(), [s] { s->force_close(); });
        }
    }
};

Server::Server(net::io_context& ioc,
               ServerOptions opts,
               const Router& router,
               prometheus::Registry& metrics)
    : impl_(std::make_shared<Impl>(ioc, std::move(opts), router, metrics)) {}

Server::~Server() {
    impl_->stopping = true;
    impl_->detach();
    net::post(impl_->strand, [impl = impl_] {
        error_code ec;
        impl->acceptor.close(ec);
        impl->stop_timer.cancel();
    });
    impl_->close_all();
    if (impl_->files) impl_->files->shutdown();
}

void Server::start() {
    auto& a = impl_->acceptor;
    error_code ec;
    auto addr = net::ip::make_address(impl_->opts.host, ec);
    if (ec) throw std::system_error(ec, "http: bad listen address " + impl_->opts.host);
    tcp::endpoint ep{addr, impl_->opts.port};
    auto fail = [&](const char* what) {
        error_code ignored;
        a.close(ignored);
        throw std::system_error(ec, std::string("http: ") + what + " " + impl_->opts.host + ":" +
                                        std::to_string(impl_->opts.port));
    };
    a.open(ep.protocol(), ec);
    if (ec) fail("open");
    a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (ec) fail("set_option");
    a.bind(ep, ec);
    if (ec) fail("bind");
    a.listen(tcp::socket::max_listen_connections, ec);
    if (ec) fail("listen");
    impl_->port = a.local_endpoint(ec).port();
    impl_->log->info("listening on {}:{}", impl_->opts.host, impl_->port);
    net::co_spawn(
        impl_->strand, [impl = impl_] { return impl->accept_loop(); }, net::detached);
}

std::uint16_t Server::port() const {
    return impl_->port;
}

void Server::stop(std::chrono::milliseconds deadline, std::function<void()> done) {
    auto impl = impl_;
    impl->stopping = true;
    bool idle = impl->set_done(std::move(done));
    net::post(impl->strand, [impl, deadline, idle] {
        error_code ec;
        impl->acceptor.close(ec);
        if (idle) {
            if (auto d = impl->take_done()) d();
            return;
        }
        impl->stop_timer.expires_after(deadline);
        impl->stop_timer.async_wait([impl](error_code e) {
            if (e) return;
            auto d = impl->take_done();
            if (!d) return;
            impl->log->info("stop deadline passed: closing {} connection(s)",
                            impl->open_sessions());
            impl->close_all();
            d();
        });
    });
    for (auto& s : impl->live_sessions()) {
        net::post(s->executor(), [s] { s->on_stop(); });
    }
}

}  // namespace nchat::http
