#include "ingest/rtmp/server.hpp"

#include <mutex>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "ingest/rtmp/detail/counters.hpp"
#include "ingest/rtmp/detail/session.hpp"
#include "util/address_limit.hpp"
#include "util/log.hpp"

namespace nchat::ingest::rtmp {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct Server::Impl : std::enable_shared_from_this<Impl> {
    Impl(net::io_context& ioc, ServerOptions o, PublishAuthorizer& a, prometheus::Registry& r)
        : ioc(ioc),
          opts(std::move(o)),
          auth(a),
          counters(r),
          per_address(opts.max_connections_per_address),
          acceptor(net::make_strand(ioc)) {}

    void accept() {
        acceptor.async_accept(
            opts.connection_executor ? opts.connection_executor()
                                     : net::any_io_executor(net::make_strand(ioc)),
            [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
                if (ec == net::error::operation_aborted || !self->acceptor.is_open()) return;
                if (!ec) self->start_session(std::move(socket));
                self->accept();
            });
    }

    void start_session(tcp::socket socket) {
        std::lock_guard lock(mu);
        std::erase_if(sessions, [](const auto& w) { return w.expired(); });
        if (sessions.size() >= opts.max_connections) {
            counters.over_max_connections.Increment();
            util::logger("rtmp")->warn("connection refused: {} connections open", sessions.size());
            return;  // the socket closes as it goes out of scope
        }
        boost::system::error_code ec;
        auto address = socket.remote_endpoint(ec).address().to_string();
        if (ec) return;  // already gone
        auto slot = per_address.acquire(address);
        if (!slot.ok) {
            counters.over_per_address.Increment();
            // Rate-limited by nature: at most one line per refused connection of a flood is
            // still too many, so only the first of each second is logged.
            auto now = std::chrono::steady_clock::now();
            if (now - last_per_address_log > std::chrono::seconds(1)) {
                last_per_address_log = now;
                util::logger("rtmp")->warn("connection from {} refused: it has {} open", address,
                                           per_address.held(address));
            }
            return;
        }
        auto s = std::make_shared<detail::Session>(boost::beast::tcp_stream(std::move(socket)),
                                                   ++next_id, opts, auth, counters,
                                                   std::move(slot.slot));
        sessions.push_back(s);
        // The session runs on its socket's executor (accept above): one of the pool's
        // single-thread io_contexts in the server, or a strand of `ioc` when none is given.
        net::co_spawn(
            s->executor(), [s]() { return s->run(); }, net::detached);
    }

    net::io_context& ioc;
    ServerOptions opts;
    PublishAuthorizer& auth;
    detail::Counters counters;
    util::AddressLimit per_address;
    std::chrono::steady_clock::time_point last_per_address_log;
    tcp::acceptor acceptor;
    std::mutex mu;
    std::vector<std::weak_ptr<detail::Session>> sessions;
    std::uint64_t next_id = 0;
};

Server::Server(net::io_context& ioc,
               ServerOptions opts,
               PublishAuthorizer& auth,
               prometheus::Registry& metrics)
    : impl_(std::make_shared<Impl>(ioc, std::move(opts), auth, metrics)) {}

Server::~Server() {
    stop();
}

void Server::start() {
    auto addr = net::ip::make_address(impl_->opts.host);
    tcp::endpoint ep(addr, impl_->opts.port);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(net::socket_base::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen(net::socket_base::max_listen_connections);
    impl_->accept();
}

std::uint16_t Server::port() const {
    boost::system::error_code ec;
    return impl_->acceptor.local_endpoint(ec).port();
}

void Server::stop() {
    net::post(impl_->acceptor.get_executor(), [impl = impl_] {
        boost::system::error_code ec;
        impl->acceptor.close(ec);
    });
    std::lock_guard lock(impl_->mu);
    for (auto& w : impl_->sessions) {
        if (auto s = w.lock()) s->close();
    }
}

}  // namespace nchat::ingest::rtmp
