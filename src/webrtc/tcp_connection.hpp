#pragma once
// One ICE-TCP connection (RFC 6544, passive): RFC 4571 frames in, the first of which must be
// an authenticated Binding request; after it, the frames go to the session's Transport as UDP
// datagrams would, and the transport sends through send(). One write in flight; what cannot
// be written at once waits in a bounded queue, and a packet that does not fit is dropped
// (counted): a viewer whose TCP path is too slow loses packets, the stream never waits.
// On the UdpServer's strand, like the transports.
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace nchat::webrtc {

class TcpServer;
class Transport;

class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
public:
    TcpConnection(TcpServer& server, boost::asio::ip::tcp::socket socket, std::uint64_t id);
    ~TcpConnection();

    void start();  // the read loop and the first-check deadline
    std::uint64_t id() const { return id_; }
    bool authenticated() const { return authenticated_; }
    // The peer's address and port (as a udp endpoint: STUN's XOR-MAPPED-ADDRESS, logs).
    const boost::asio::ip::udp::endpoint& remote() const { return remote_; }

    // Frames `d` and queues it; false when closed or when the queue is full (dropped).
    bool send(std::span<const std::uint8_t> d);
    // Closes now: what is queued is lost. The bound transport hears on_tcp_closed.
    void close();
    // Closes once what is queued is written; nothing more is queued meanwhile.
    void close_after_flush();

private:
    boost::asio::awaitable<void> read_loop();
    void on_frame(std::span<const std::uint8_t> f);
    void on_stun(std::span<const std::uint8_t> f);
    void write_more();
    void arm_deadline();

    TcpServer& server_;
    boost::asio::ip::tcp::socket socket_;
    std::uint64_t id_;
    boost::asio::ip::udp::endpoint remote_;
    boost::asio::steady_timer deadline_;
    std::chrono::steady_clock::time_point started_, last_rx_;
    std::vector<std::uint8_t> in_;        // bytes read, not yet a whole frame
    std::vector<std::uint8_t> queued_;    // framed, waiting for the write in flight
    std::vector<std::uint8_t> writing_;   // the write in flight
    std::weak_ptr<Transport> transport_;  // the session its first check authenticated for
    bool authenticated_ = false;
    bool closing_ = false;  // close once the queue is written (after an error reply)
    bool closed_ = false;
};

}  // namespace nchat::webrtc
