#include "webrtc/tcp_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "util/log.hpp"
#include "webrtc/tcp_connection.hpp"
#include "webrtc/udp_server.hpp"

namespace nchat::webrtc {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

TcpServer::TcpServer(UdpServer& udp, TcpServerOptions opts)
    : udp_(udp), opts_(opts), acceptor_(udp.strand()) {}

TcpServer::~TcpServer() = default;

void TcpServer::start(const std::string& host, std::uint16_t port) {
    const tcp::endpoint ep(net::ip::make_address(host), port);
    acceptor_.open(ep.protocol());
    // A restarted server takes its port back at once despite the last run's TIME_WAITs.
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    net::co_spawn(udp_.strand(), accept_loop(), net::detached);
}

void TcpServer::stop() {
    net::post(udp_.strand(), [this] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        auto all = std::move(connections_);  // close() calls closed(), which erases
        connections_.clear();
        for (auto& [id, c] : all)
            c->close();
    });
}

std::uint16_t TcpServer::port() const {
    boost::system::error_code ec;
    const auto ep = acceptor_.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

net::awaitable<void> TcpServer::accept_loop() {
    for (;;) {
        boost::system::error_code ec;
        tcp::socket s =
            co_await acceptor_.async_accept(net::redirect_error(net::use_awaitable, ec));
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) co_return;
        if (ec) {
            // Out of descriptors, most likely: wait a little rather than spin on the error.
            util::logger("webrtc")->warn("ICE-TCP accept: {}", ec.message());
            net::steady_timer pause(udp_.strand(), 100ms);
            co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
            continue;
        }
        ++stats_.accepted;
        if (connections_.size() >= opts_.max_connections || stats_.pending >= opts_.max_pending) {
            ++stats_.refused;
            boost::system::error_code ignored;
            s.close(ignored);
            continue;
        }
        const auto id = next_id_++;
        auto c = std::make_shared<TcpConnection>(*this, std::move(s), id);
        connections_.emplace(id, c);
        ++stats_.pending;
        stats_.connections = connections_.size();
        c->start();
    }
}

void TcpServer::authenticated(const TcpConnection&) {
    --stats_.pending;
}

void TcpServer::closed(const TcpConnection& c) {
    if (!c.authenticated()) --stats_.pending;
    connections_.erase(c.id());
    stats_.connections = connections_.size();
}

}  // namespace nchat::webrtc
