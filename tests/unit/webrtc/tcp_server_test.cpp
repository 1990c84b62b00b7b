// ICE-TCP (RFC 6544) over real loopback sockets: a check in an RFC 4571 frame authenticates the
// connection for its session, DTLS and SRTP then flow over it as over UDP, and what is not
// ICE-TCP (a first frame that is not a check, a length over the limit, a wrong password, a
// silent connection) closes that connection only. A viewer that does not read loses packets
// (counted) instead of growing a queue.
#include "webrtc/tcp_server.hpp"

#include <chrono>
#include <future>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "unit/webrtc/dtls_client.hpp"
#include "unit/webrtc/rtp_test_util.hpp"
#include "webrtc/certificate.hpp"
#include "webrtc/dtls.hpp"
#include "webrtc/srtp_session.hpp"
#include "webrtc/stun.hpp"
#include "webrtc/tcp_framing.hpp"
#include "webrtc/transport.hpp"
#include "webrtc/udp_server.hpp"

namespace nchat::webrtc {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Bytes = std::vector<std::uint8_t>;
using namespace std::chrono_literals;

constexpr std::string_view kPassword = "server-password-0123456789";

struct Recorder : TransportListener {
    std::promise<void> connected;
    std::vector<RtpPacket> rtp;
    std::string closed;
    void on_transport_connected() override { connected.set_value(); }
    void on_rtp(RtpPacket p) override { rtp.push_back(std::move(p)); }
    void on_rtcp(std::span<const std::uint8_t>) override {}
    void on_transport_closed(std::string_view why) override { closed = why; }
};

// A blocking client socket with a receive timeout, speaking RFC 4571.
class Peer {
public:
    Peer(net::io_context& ioc, std::uint16_t port) : s_(ioc) {
        s_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
        timeval tv{5, 0};  // only bounds a failing test; nothing waits for it to pass
        ::setsockopt(s_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    void send_raw(std::span<const std::uint8_t> d) {
        net::write(s_, net::buffer(d.data(), d.size()));
    }
    void send(std::span<const std::uint8_t> payload) {
        Bytes framed;
        append_rfc4571_frame(framed, payload);
        send_raw(framed);
    }
    // The next frame; nullopt when the server closed the connection (or on timeout).
    std::optional<Bytes> receive() {
        std::uint8_t len[2];
        if (!read_exact(len, 2)) return std::nullopt;
        Bytes out(std::size_t(len[0]) << 8 | len[1]);
        if (!read_exact(out.data(), out.size())) return std::nullopt;
        return out;
    }
    // True once the server has closed: reads to EOF (or a reset).
    bool closed_by_server() {
        std::uint8_t b[4096];
        for (;;) {
            const auto n = ::recv(s_.native_handle(), b, sizeof b, 0);
            if (n == 0) return true;
            if (n < 0) return errno == ECONNRESET;
        }
    }
    tcp::endpoint local() const { return s_.local_endpoint(); }

private:
    bool read_exact(std::uint8_t* p, std::size_t n) {
        while (n > 0) {
            const auto got = ::recv(s_.native_handle(), p, n, 0);
            if (got <= 0) return false;
            p += got;
            n -= static_cast<std::size_t>(got);
        }
        return true;
    }
    tcp::socket s_;
};

class TcpServerTest : public ::testing::Test {
protected:
    virtual TcpServerOptions options() const { return {}; }
    // The TCP listener takes the UDP port's number, and a port the system gives UDP may be
    // held for TCP by another socket (a concurrent test's connection: "bind: Address already
    // in use"). So the number comes from the TCP side, free there a moment ago.
    static std::uint16_t free_tcp_port() {
        net::io_context io;
        tcp::acceptor probe(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        return probe.local_endpoint().port();
    }
    void SetUp() override {
        const auto port = free_tcp_port();
        udp_ =
            std::make_unique<UdpServer>(ioc_.get_executor(), UdpServerOptions{"127.0.0.1", port});
        udp_->start();
        tcp_ = std::make_unique<TcpServer>(*udp_, options());
        tcp_->start("127.0.0.1", udp_->port());
        thread_ = std::thread([this] { ioc_.run(); });
    }
    void TearDown() override {
        if (!thread_.joinable()) return;  // SetUp failed: nothing runs that could be waited for
        on_strand([&] {
            if (transport_) transport_->close();
        });
        tcp_->stop();
        udp_->stop();
        on_strand([] {});
        work_.reset();
        ioc_.stop();
        thread_.join();
    }
    template <class F>
    void on_strand(F&& f) {
        std::promise<void> done;
        net::post(udp_->strand(), [&] {
            f();
            done.set_value();
        });
        done.get_future().wait();
    }
    void make_transport(const std::string& remote_fingerprint) {
        on_strand([&] {
            transport_ = std::make_shared<Transport>(
                *udp_, dtls_, IceCredentials{"srvU", std::string(kPassword)},
                Transport::Remote{"cliU", "client-password-0123456789", remote_fingerprint},
                recorder_);
            udp_->add(transport_);
            transport_->start();
        });
    }
    Bytes check(std::string_view password, bool use_candidate = true) {
        TransactionId tid{};
        tid[0] = static_cast<std::uint8_t>(++tid_);
        return build_binding_request(tid, "srvU:cliU", password, 0x6e0001ff, 42, use_candidate);
    }
    TcpServerStats stats() {
        TcpServerStats s;
        on_strand([&] { s = tcp_->stats(); });
        return s;
    }
    // DTLS in frames, the client (the browser's role) first; every record we send is a
    // frame. The SRTP sessions of the client side: outbound, inbound.
    std::pair<std::optional<SrtpSession>, std::optional<SrtpSession>> handshake(
        Peer& peer, DtlsTestClient& client) {
        for (int round = 0; round < 20 && !SSL_is_init_finished(client.ssl); ++round) {
            auto out = client.step();
            if (!out.empty()) peer.send(out);
            if (SSL_is_init_finished(client.ssl)) break;
            auto in = peer.receive();
            if (!in) return {};
            client.receive(*in);
        }
        client.step();
        EXPECT_TRUE(SSL_is_init_finished(client.ssl));
        EXPECT_EQ(recorder_->connected.get_future().wait_for(5s), std::future_status::ready);
        const auto block = client.exported(60);
        Bytes client_ks(block.begin(), block.begin() + 16);
        client_ks.insert(client_ks.end(), block.begin() + 32, block.begin() + 46);
        Bytes server_ks(block.begin() + 16, block.begin() + 32);
        server_ks.insert(server_ks.end(), block.begin() + 46, block.end());
        auto out = SrtpSession::create(SrtpProfile::aes128_cm_sha1_80,
                                       SrtpSession::Direction::outbound, client_ks);
        auto in = SrtpSession::create(SrtpProfile::aes128_cm_sha1_80,
                                      SrtpSession::Direction::inbound, server_ks);
        if (!out || !in) return {};
        return {std::move(*out), std::move(*in)};
    }
    // A connection whose check succeeded.
    std::unique_ptr<Peer> authenticated_peer() {
        auto p = std::make_unique<Peer>(ioc_, udp_->port());
        p->send(check(kPassword));
        auto reply = p->receive();
        EXPECT_TRUE(reply);
        if (!reply) return p;
        auto msg = parse_stun(*reply);
        EXPECT_TRUE(msg && msg->cls == StunClass::success);
        return p;
    }

    net::io_context ioc_;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work_{
        ioc_.get_executor()};
    std::unique_ptr<UdpServer> udp_;
    std::unique_ptr<TcpServer> tcp_;
    std::thread thread_;
    DtlsContext dtls_{Certificate::generate()};
    std::shared_ptr<Recorder> recorder_ = std::make_shared<Recorder>();
    std::shared_ptr<Transport> transport_;
    int tid_ = 0;
};

TEST_F(TcpServerTest, ListensOnTheUdpPortNumber) {
    EXPECT_EQ(tcp_->port(), udp_->port());
}

TEST_F(TcpServerTest, ACheckAuthenticatesTheConnectionThenDtlsAndSrtpFlowOverIt) {
    DtlsTestClient client("SRTP_AES128_CM_SHA1_80");
    make_transport(client.cert->fingerprint());
    Peer peer(ioc_, udp_->port());
    peer.send(check(kPassword));
    auto reply = peer.receive();
    ASSERT_TRUE(reply);
    auto msg = parse_stun(*reply);
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->cls, StunClass::success);
    EXPECT_TRUE(verify_integrity(*reply, *msg, kPassword));
    ASSERT_TRUE(msg->xor_mapped_address);
    EXPECT_EQ(msg->xor_mapped_address->port(), peer.local().port());
    std::string_view path;
    on_strand([&] { path = transport_->ice_protocol(); });
    EXPECT_EQ(path, "tcp");

    auto [out, in] = handshake(peer, client);
    ASSERT_TRUE(out && in);
    const Bytes payload = {1, 2, 3, 4, 5};
    auto rtp = write_rtp({true, 96, 1000, 90000, 0x11223344}, {}, payload);
    ASSERT_TRUE(out->protect_rtp(rtp));
    peer.send(rtp);

    // Our RTCP comes back in a frame, decryptable with the server's keys. It is sent after the
    // RTP above has been read (same connection, in order), so the RTP has arrived by then.
    bool sent = false;
    for (int i = 0; i < 500 && !sent; ++i) {
        on_strand([&] {
            if (!recorder_->rtp.empty())
                sent = transport_->send_rtcp({0x81, 206, 0, 2, 0, 0, 0, 1, 0x11, 0x22, 0x33, 0x44});
        });
        if (!sent) std::this_thread::sleep_for(10ms);
    }
    ASSERT_TRUE(sent);
    std::optional<Bytes> pli;
    while (!pli || (*pli)[0] < 128) {
        pli = peer.receive();  // past any DTLS retransmission
        ASSERT_TRUE(pli);
    }
    ASSERT_TRUE(in->unprotect_rtcp(*pli));
    EXPECT_EQ((*pli)[1], 206);
    on_strand([&] {
        ASSERT_EQ(recorder_->rtp.size(), 1u);
        EXPECT_EQ(recorder_->rtp[0].ssrc, 0x11223344u);
    });

    // The session ends: its connection goes with it.
    on_strand([&] { transport_->close(); });
    EXPECT_TRUE(peer.closed_by_server());
}

TEST_F(TcpServerTest, UdpWinsOverAnUnnominatedTcpPathAndANominatedOneStays) {
    make_transport("AA:BB");
    const auto path = [&] {
        std::string p;
        on_strand([&] { p = std::string(transport_->ice_protocol()); });
        return p;
    };
    net::ip::udp::socket udp(ioc_);
    udp.open(net::ip::udp::v4());
    udp.bind({net::ip::make_address("127.0.0.1"), 0});
    timeval tv{5, 0};
    ::setsockopt(udp.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const net::ip::udp::endpoint to(net::ip::make_address("127.0.0.1"), udp_->port());
    const auto udp_check = [&](bool use_candidate) {
        const auto c = check(kPassword, use_candidate);
        udp.send_to(net::buffer(c), to);
        std::uint8_t buf[512];
        ASSERT_GT(::recv(udp.native_handle(), buf, sizeof buf, 0), 0);  // answered
    };

    // The browser's TCP check comes first, without USE-CANDIDATE: TCP carries it for now...
    Peer peer(ioc_, udp_->port());
    peer.send(check(kPassword, false));
    ASSERT_TRUE(peer.receive());
    EXPECT_EQ(path(), "tcp");
    // ...until a UDP check works: UDP is what both sides prefer.
    udp_check(false);
    EXPECT_EQ(path(), "udp");
    // The peer nominates TCP (UDP is failing on its side): TCP it is, and a later UDP check
    // without USE-CANDIDATE does not take it back.
    peer.send(check(kPassword, true));
    ASSERT_TRUE(peer.receive());
    EXPECT_EQ(path(), "tcp");
    udp_check(false);
    EXPECT_EQ(path(), "tcp");
    // The nominated connection closes: the next check selects what it comes on.
    peer.send_raw(Bytes{0xff, 0xff});  // over the frame limit: the server closes it
    EXPECT_TRUE(peer.closed_by_server());
    EXPECT_EQ(path(), "");
    udp_check(false);
    EXPECT_EQ(path(), "udp");
}

TEST_F(TcpServerTest, WhatIsNotIceTcpClosesThatConnectionOnly) {
    make_transport("AA:BB");
    auto good = authenticated_peer();

    // Media before any check.
    Peer early(ioc_, udp_->port());
    early.send(Bytes{0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9, 9});
    EXPECT_TRUE(early.closed_by_server());

    // A length over the limit (ff ff), refused before its payload arrives.
    Peer oversize(ioc_, udp_->port());
    oversize.send_raw(Bytes{0xff, 0xff, 0x00, 0x01});
    EXPECT_TRUE(oversize.closed_by_server());

    // A wrong password: the 401 is written, then the connection closes.
    Peer wrong(ioc_, udp_->port());
    wrong.send(check("not-the-password-0123456"));
    auto reply = wrong.receive();
    ASSERT_TRUE(reply);
    auto msg = parse_stun(*reply);
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->error_code, 401);
    EXPECT_TRUE(wrong.closed_by_server());

    // A ufrag no session has: nothing to sign an answer with, closed.
    Peer stranger(ioc_, udp_->port());
    TransactionId tid{};
    stranger.send(build_binding_request(tid, "nobody:cliU", kPassword, 1, 1, true));
    EXPECT_TRUE(stranger.closed_by_server());

    // A check for another session on a connection bound to this one is not answered; an
    // empty frame or garbage after the check is dropped, not fatal. The connection still
    // answers its own checks: the next frame is the answer to the last one.
    std::shared_ptr<Transport> other;
    on_strand([&] {
        other = std::make_shared<Transport>(
            *udp_, dtls_, IceCredentials{"srv2", "other-password-0123456789"},
            Transport::Remote{"cliU", "client-password-0123456789", "AA:BB"}, recorder_);
        udp_->add(other);
    });
    TransactionId other_tid{};
    other_tid[0] = 0xee;
    good->send(
        build_binding_request(other_tid, "srv2:cliU", "other-password-0123456789", 1, 1, false));
    good->send(Bytes{});
    good->send(Bytes{0xff, 0xff});
    auto last = check(kPassword);
    good->send(last);
    auto again = good->receive();
    ASSERT_TRUE(again);
    auto answer = parse_stun(*again);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->cls, StunClass::success);
    EXPECT_EQ(answer->transaction_id, parse_stun(last)->transaction_id);
    on_strand([&] { other->close(); });

    const auto s = stats();
    EXPECT_EQ(s.unauthenticated, 3u);  // early, wrong, stranger
    EXPECT_EQ(s.oversize, 1u);
    EXPECT_EQ(s.stun_unauthorized, 1u);
    EXPECT_EQ(s.stun_unknown_ufrag, 1u);
    EXPECT_EQ(s.not_webrtc, 2u);
    EXPECT_EQ(s.wrong_session, 1u);
    EXPECT_EQ(s.connections, 1u);
    EXPECT_EQ(s.pending, 0u);
}

class SmallQueueTest : public TcpServerTest {
protected:
    TcpServerOptions options() const override {
        TcpServerOptions o;
        o.max_queued_bytes = 16 * 1024;
        return o;
    }
};

TEST_F(SmallQueueTest, AViewerWhoseTcpCannotKeepUpLosesPacketsNotMemory) {
    DtlsTestClient client("SRTP_AES128_CM_SHA1_80");
    make_transport(client.cert->fingerprint());
    Peer peer(ioc_, udp_->port());
    peer.send(check(kPassword));
    ASSERT_TRUE(peer.receive());
    auto [out, in] = handshake(peer, client);
    ASSERT_TRUE(out && in);
    // A burst from the strand, as a keyframe's packets are: one write is in flight, the rest
    // queue up to 16 KiB and the others are dropped and counted, none waits.
    on_strand([&] {
        for (std::uint16_t seq = 0; seq < 200; ++seq) {
            auto rtp = write_rtp({false, 96, seq, 90000, 0x55667788}, {}, Bytes(1100, 0x42));
            EXPECT_TRUE(transport_->send_rtp(std::move(rtp)));  // protected, handed on
        }
    });
    TransportStats ts;
    on_strand([&] { ts = transport_->stats(); });
    EXPECT_GT(ts.send_dropped, 0u);
    EXPECT_LT(ts.send_dropped, 200u);
    EXPECT_EQ(stats().send_dropped, ts.send_dropped);
    const int accepted = 200 - static_cast<int>(ts.send_dropped);
    // What was queued (the burst's start) arrives whole and in order.
    std::uint16_t expected = 0;
    for (int i = 0; i < accepted; ++i) {
        auto f = peer.receive();
        ASSERT_TRUE(f);
        if ((*f)[0] < 128) {
            --i;  // a DTLS retransmission
            continue;
        }
        ASSERT_TRUE(in->unprotect_rtp(*f));
        EXPECT_EQ(std::uint16_t((*f)[2] << 8 | (*f)[3]), expected++);
    }
}

class SlowlorisTest : public TcpServerTest {
protected:
    TcpServerOptions options() const override {
        TcpServerOptions o;
        o.max_pending = 1;
        o.first_check_timeout = 500ms;
        return o;
    }
};

TEST_F(SlowlorisTest, ASilentConnectionIsClosedAndPendingOnesAreCapped) {
    make_transport("AA:BB");
    Peer silent(ioc_, udp_->port());
    // Trickled bytes of a first frame do not extend the deadline.
    silent.send_raw(Bytes{0x00});
    // While it is pending, the cap closes any other connection at once.
    Peer refused(ioc_, udp_->port());
    EXPECT_TRUE(refused.closed_by_server());
    EXPECT_TRUE(silent.closed_by_server());
    const auto s = stats();
    EXPECT_EQ(s.refused, 1u);
    EXPECT_EQ(s.first_check_late, 1u);
    EXPECT_EQ(s.pending, 0u);
    // The slot is free again: a real peer authenticates.
    auto ok = authenticated_peer();
    EXPECT_EQ(stats().connections, 1u);
}

}  // namespace
}  // namespace nchat::webrtc
