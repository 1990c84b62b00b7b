#pragma once
// One WebRTC peer's transport (DESIGN.md: webrtc/): ICE-lite consent and path selection,
// DTLS-SRTP, and SRTP in and out; what it carries (RTP, RTCP) goes to its Listener decrypted.
// The UdpServer owns the socket and hands this transport the datagrams of its ufrag and of the
// 5-tuples its checks validated. Everything runs on the UdpServer's strand: no threads or
// sockets of its own (the mediasoup way, DESIGN.md).
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "webrtc/dtls.hpp"
#include "webrtc/rtp_packet.hpp"
#include "webrtc/srtp_session.hpp"

namespace nchat::webrtc {

class TcpConnection;
class UdpServer;

// What a transport's user (a WHIP publish, a WHEP viewer) hears, on the UdpServer's strand.
class TransportListener {
public:
    virtual ~TransportListener() = default;
    virtual void on_transport_connected() = 0;  // DTLS done, SRTP keyed: media may flow
    virtual void on_rtp(RtpPacket packet) = 0;  // decrypted and parsed
    virtual void on_rtcp(std::span<const std::uint8_t> compound) = 0;  // decrypted
    // ICE consent lost, DTLS failed or closed by the peer; not called after close().
    virtual void on_transport_closed(std::string_view why) = 0;
};

struct IceCredentials {
    std::string ufrag;  // ≥ 4 characters (RFC 8839 §5.4)
    std::string pwd;    // ≥ 22 characters
    static IceCredentials generate();
};

struct TransportStats {
    std::uint64_t packets_in = 0, bytes_in = 0;
    std::uint64_t packets_out = 0, bytes_out = 0;
    std::uint64_t srtp_failures = 0;        // inbound packets that failed authentication or replay
    std::uint64_t dropped_before_keys = 0;  // media before DTLS finished
    std::uint64_t checks = 0;               // authenticated STUN checks answered
    std::uint64_t send_dropped = 0;         // the selected ICE-TCP connection's queue was full
};

class Transport : public std::enable_shared_from_this<Transport> {
public:
    struct Remote {
        std::string ufrag, pwd;
        std::string fingerprint;  // sha-256, from the offer
    };

    // Register it with server.add() to receive its checks; nothing is sent until a check
    // arrives (we are ICE-lite: the peer initiates).
    Transport(UdpServer& server,
              const DtlsContext& dtls,
              IceCredentials local,
              Remote remote,
              std::weak_ptr<TransportListener> listener);
    ~Transport();

    const IceCredentials& local() const { return local_; }
    const TransportStats& stats() const { return stats_; }
    bool connected() const { return srtp_out_.has_value(); }
    // The selected UDP 5-tuple; nullopt before one, and while the path is ICE-TCP (send
    // through send_rtp/send_rtcp, which take either path).
    std::optional<boost::asio::ip::udp::endpoint> selected() const { return selected_; }
    // The selected path's transport, "udp" or "tcp" (ICE-TCP); empty before there is one.
    std::string_view ice_protocol() const;

    // On the server's strand. False when not connected (no keys yet) or SRTP refused.
    bool send_rtp(std::vector<std::uint8_t> packet);
    bool send_rtcp(std::vector<std::uint8_t> compound);
    // The fan-out path: copies `rtp` into the server's send batch with the payload type set to
    // `pt` (a WHEP viewer's own), protects it there and queues it for the server's next
    // flush(): no allocation, no system call per packet. Same answer as send_rtp.
    bool queue_rtp(std::span<const std::uint8_t> rtp, std::uint8_t pt);
    // Sends DTLS close_notify, unregisters, cancels timers. The listener is not called again.
    void close();

    // From the UdpServer (its strand): an authenticated Binding request from `from`.
    void on_check(const boost::asio::ip::udp::endpoint& from, bool use_candidate);
    // A non-STUN datagram from a 5-tuple this transport validated.
    void on_datagram(const boost::asio::ip::udp::endpoint& from, std::span<const std::uint8_t> d);
    void start();  // arms the consent timer (call once, after server.add())

    // ICE-TCP (RFC 6544), from a TcpConnection (same strand): an authenticated check on it;
    // each connection is a candidate pair of its own. False when refused (the peer has
    // validated kMaxTuplesPerTransport paths already): the caller closes it.
    bool on_tcp_check(const std::shared_ptr<TcpConnection>& c, bool use_candidate);
    // A DTLS or SRTP frame from a connection this transport accepted.
    void on_tcp_datagram(TcpConnection& c, std::span<const std::uint8_t> d);
    // The connection has closed: no longer a path (the next check selects another).
    void on_tcp_closed(const TcpConnection& c);

private:
    void send_raw(std::span<const std::uint8_t> d);
    void on_packet(std::span<const std::uint8_t> d);  // from any path, not STUN
    bool has_path() const { return selected_ || !selected_tcp_.expired(); }
    bool tentative_tcp() const { return !nominated_ && !selected_tcp_.expired(); }
    void close_tcp_paths();
    void on_dtls_progress();
    void arm_dtls_timer();
    void arm_consent_timer();
    void closed_by_peer(std::string why);

    UdpServer& server_;
    IceCredentials local_;
    Remote remote_;
    std::weak_ptr<TransportListener> listener_;
    std::unique_ptr<DtlsTransport> dtls_;
    std::optional<SrtpSession> srtp_in_, srtp_out_;
    std::optional<boost::asio::ip::udp::endpoint> selected_;
    std::chrono::steady_clock::time_point last_check_;
    boost::asio::steady_timer dtls_timer_;
    boost::asio::steady_timer consent_timer_;
    TransportStats stats_;
    std::vector<boost::asio::ip::udp::endpoint> tuples_;  // validated by checks, bounded
    // ICE-TCP connections whose checks succeeded (bounded with tuples_), and the selected one
    // (then selected_ is empty: one path at a time).
    std::vector<std::weak_ptr<TcpConnection>> tcp_paths_;
    std::weak_ptr<TcpConnection> selected_tcp_;
    bool nominated_ = false;  // a check with USE-CANDIDATE has selected the path
    bool closed_ = false;
};

}  // namespace nchat::webrtc
