#pragma once
// The passive ICE-TCP listener (RFC 6544) for networks that block UDP: the same address and
// port number as the UdpServer, every accepted connection a candidate pair of its own. Its
// first RFC 4571 frame must be a Binding request that authenticates for a session (the checks
// UDP makes, webrtc/ice_check.hpp); then that session's DTLS and SRTP flow over it as over UDP.
// Everything runs on the UdpServer's strand, with the transports: no thread of its own.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "webrtc/limits.hpp"

namespace nchat::webrtc {

class TcpConnection;
class UdpServer;

struct TcpServerOptions {
    std::size_t max_connections = limits::kMaxTcpConnections;
    std::size_t max_pending = limits::kMaxTcpPending;
    std::size_t max_queued_bytes = limits::kMaxTcpQueuedBytes;
    // A browser sends its first check as soon as the connection is up; a connection that has
    // not authenticated by then is a stranger holding a slot (slowloris), closed.
    std::chrono::milliseconds first_check_timeout{5'000};
    // An authenticated connection on which nothing arrives for this long has gone (the peer
    // checks every few seconds on a path it uses; RFC 7675's 30 s, as UDP's consent).
    std::chrono::milliseconds idle_timeout{30'000};
};

struct TcpServerStats {
    std::uint64_t accepted = 0;
    std::uint64_t refused = 0;  // over max_connections or max_pending: closed at once
    std::uint64_t frames_in = 0, bytes_in = 0;
    std::uint64_t frames_out = 0, bytes_out = 0;
    std::uint64_t send_dropped = 0;      // a write queue was full: the packet is dropped
    std::uint64_t oversize = 0;          // a frame length over limits::kMaxTcpFrame: closed
    std::uint64_t unauthenticated = 0;   // the first frame was not an accepted check: closed
    std::uint64_t first_check_late = 0;  // no accepted check in first_check_timeout: closed
    std::uint64_t idle = 0;              // silent for idle_timeout: closed
    std::uint64_t not_webrtc = 0;        // an empty frame or a first byte outside RFC 7983's
    std::uint64_t stun_malformed = 0, stun_unknown_ufrag = 0, stun_unauthorized = 0;
    std::uint64_t wrong_session = 0;  // a check for another session on a bound connection
    std::size_t connections = 0, pending = 0;
};

class TcpServer {
public:
    explicit TcpServer(UdpServer& udp, TcpServerOptions opts = {});
    ~TcpServer();
    TcpServer(const TcpServer&) = delete;
    TcpServer& operator=(const TcpServer&) = delete;

    // Binds host:port (the UDP port's number) and listens; throws std::system_error when taken.
    void start(const std::string& host, std::uint16_t port);
    void stop();  // any thread: closes the listener and every connection
    std::uint16_t port() const;

    // On the UDP server's strand.
    const TcpServerStats& stats() const { return stats_; }

    // For TcpConnection, on the strand.
    UdpServer& udp() { return udp_; }
    const TcpServerOptions& options() const { return opts_; }
    TcpServerStats& counters() { return stats_; }
    void authenticated(const TcpConnection& c);  // it leaves the pending count
    void closed(const TcpConnection& c);         // it leaves the table

private:
    boost::asio::awaitable<void> accept_loop();

    UdpServer& udp_;
    TcpServerOptions opts_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::unordered_map<std::uint64_t, std::shared_ptr<TcpConnection>> connections_;
    std::uint64_t next_id_ = 1;
    TcpServerStats stats_;
};

}  // namespace nchat::webrtc
