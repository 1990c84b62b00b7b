#pragma once
// The one UDP port every WebRTC session shares (issue 14: `--udp`, ICE-lite on one port).
// Datagrams are demultiplexed as RFC 7983 says: STUN by the USERNAME's ufrag (and answered
// here, after MESSAGE-INTEGRITY is checked with that transport's password), everything else by
// the 5-tuple an authenticated check validated. Runs on one strand; transports run on it too.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/strand.hpp>

#include "webrtc/datagram_batch.hpp"
#include "webrtc/receive_batch.hpp"

namespace nchat::webrtc {

class Transport;

struct UdpServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8189;  // 0: any free port (tests)
    // A peer whose checks stop for this long has gone (RFC 7675 consent; browsers send one every
    // 2.5-5 s). One that has not completed ICE and DTLS in connect_timeout (well under a second
    // on a working path) never will: its publish ends, so a stream does not stay "live" long
    // without media.
    std::chrono::milliseconds consent_timeout{30'000};
    std::chrono::milliseconds connect_timeout{10'000};
    // UDP GSO for runs of same-size datagrams to one peer, when the kernel has it.
    bool gso = true;
};

struct UdpServerStats {
    std::uint64_t datagrams_in = 0, bytes_in = 0;
    std::uint64_t receive_calls = 0;         // recvmmsg calls that returned datagrams
    std::uint64_t receive_full_batches = 0;  // ...of which full: more may have been waiting
    std::uint64_t datagrams_out = 0, bytes_out = 0;
    std::uint64_t send_dropped = 0;    // the socket's buffer was full: dropped, not queued
    std::uint64_t send_calls = 0;      // sendto/sendmmsg system calls
    std::uint64_t gso_messages = 0;    // sendmmsg messages the kernel cut into several datagrams
    std::uint64_t stun_malformed = 0;  // not a STUN message we can parse
    std::uint64_t stun_unknown_ufrag = 0;
    std::uint64_t stun_unauthorized = 0;  // MESSAGE-INTEGRITY missing or wrong: 401
    std::uint64_t unknown_source = 0;     // media or DTLS from a 5-tuple no check validated
    std::uint64_t not_webrtc = 0;         // first byte outside RFC 7983's ranges, or truncated
    std::size_t transports = 0;
};

class UdpServer {
public:
    UdpServer(boost::asio::any_io_executor ex, UdpServerOptions opts);
    ~UdpServer();
    UdpServer(const UdpServer&) = delete;
    UdpServer& operator=(const UdpServer&) = delete;

    void start();  // binds; throws std::system_error when the address is taken
    void stop();   // closes the socket (every transport stops hearing from its peer)
    std::uint16_t port() const;
    const UdpServerOptions& options() const { return opts_; }
    boost::asio::strand<boost::asio::any_io_executor>& strand() { return strand_; }

    // On the strand.
    void add(const std::shared_ptr<Transport>& t);  // by its local ufrag
    void remove(const Transport& t);                // its ufrag and every 5-tuple it validated
    std::shared_ptr<Transport> find(std::string_view ufrag) const;  // null when none (ICE-TCP)
    void validate(const boost::asio::ip::udp::endpoint& from, const std::shared_ptr<Transport>& t);
    void send(const boost::asio::ip::udp::endpoint& to, std::span<const std::uint8_t> d);
    // The batched path (the WHEP fan-out): write a datagram into slot(), commit() it, and it
    // goes out with the others at flush() (one sendmmsg per DatagramBatch::kCapacity). A full
    // batch is flushed by slot(); send() flushes first so datagrams keep their order; every
    // handler that commits flushes before it returns (the feed after a frame, the receive
    // loop after each datagram), so nothing waits in the batch between handlers.
    std::span<std::uint8_t> slot();
    void commit(const boost::asio::ip::udp::endpoint& to, std::size_t n) { batch_.commit(to, n); }
    void flush();
    bool gso() const { return gso_; }  // UDP GSO in use (the kernel has it and took it)
    const UdpServerStats& stats() const { return stats_; }

private:
    void receive();     // waits until the socket is readable
    void read_batch();  // one recvmmsg, handled; then waits again, or yields and reads on
    void on_datagram(const boost::asio::ip::udp::endpoint& from, std::span<const std::uint8_t> d);
    void on_stun(const boost::asio::ip::udp::endpoint& from, std::span<const std::uint8_t> d);

    boost::asio::strand<boost::asio::any_io_executor> strand_;
    UdpServerOptions opts_;
    boost::asio::ip::udp::socket socket_;
    ReceiveBatch in_;
    std::unordered_map<std::string, std::weak_ptr<Transport>> by_ufrag_;
    std::map<boost::asio::ip::udp::endpoint, std::weak_ptr<Transport>> by_tuple_;
    UdpServerStats stats_;
    DatagramBatch batch_;
    bool gso_ = false;
};

}  // namespace nchat::webrtc
