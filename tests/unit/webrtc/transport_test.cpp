// The shared UDP port and one peer's transport over real loopback sockets: an ICE check is
// authenticated and answered, DTLS completes against OpenSSL's client, SRTP flows both ways,
// and what does not belong (a wrong password, media from an unchecked address) is refused
// and counted.
#include "webrtc/transport.hpp"

#include <chrono>
#include <future>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "unit/webrtc/dtls_client.hpp"
#include "webrtc/certificate.hpp"
#include "webrtc/dtls.hpp"
#include "webrtc/rtp_packet.hpp"
#include "webrtc/srtp_session.hpp"
#include "webrtc/stun.hpp"
#include "webrtc/udp_server.hpp"

namespace nchat::webrtc {
namespace {

namespace net = boost::asio;
using udp = net::ip::udp;
using namespace std::chrono_literals;

struct Recorder : TransportListener {
    std::promise<void> connected;
    std::vector<RtpPacket> rtp;
    std::vector<std::vector<std::uint8_t>> rtcp;
    std::string closed;
    void on_transport_connected() override { connected.set_value(); }
    void on_rtp(RtpPacket p) override { rtp.push_back(std::move(p)); }
    void on_rtcp(std::span<const std::uint8_t> c) override {
        rtcp.emplace_back(c.begin(), c.end());
    }
    void on_transport_closed(std::string_view why) override { closed = why; }
};

class TransportTest : public ::testing::Test {
protected:
    virtual UdpServerOptions options() const { return {"127.0.0.1", 0}; }
    void SetUp() override {
        server_ = std::make_unique<UdpServer>(ioc_.get_executor(), options());
        server_->start();
        thread_ = std::thread([this] { ioc_.run(); });
        peer_.open(udp::v4());
        peer_.bind(udp::endpoint(net::ip::make_address("127.0.0.1"), 0));
        timeval tv{0, 200'000};
        ::setsockopt(peer_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        to_ = udp::endpoint(net::ip::make_address("127.0.0.1"), server_->port());
    }
    void TearDown() override {
        on_strand([&] {
            if (transport_) transport_->close();
        });
        server_->stop();
        on_strand([] {});  // the close has run before the server goes
        work_.reset();
        ioc_.stop();
        thread_.join();
    }
    template <class F>
    void on_strand(F&& f) {
        std::promise<void> done;
        net::post(server_->strand(), [&] {
            f();
            done.set_value();
        });
        done.get_future().wait();
    }
    void make_transport(const std::string& remote_fingerprint) {
        on_strand([&] {
            transport_ = std::make_shared<Transport>(
                *server_, dtls_, IceCredentials{"srvU", "server-password-0123456789"},
                Transport::Remote{"cliU", "client-password-0123456789", remote_fingerprint},
                recorder_);
            server_->add(transport_);
            transport_->start();
        });
    }
    void send(std::span<const std::uint8_t> d) {
        peer_.send_to(net::buffer(d.data(), d.size()), to_);
    }
    std::optional<std::vector<std::uint8_t>> receive() {
        // The socket's own recvfrom: Asio's synchronous receive would poll past SO_RCVTIMEO.
        std::vector<std::uint8_t> buf(2048);
        const auto n = ::recv(peer_.native_handle(), buf.data(), buf.size(), 0);
        if (n < 0) return std::nullopt;
        buf.resize(static_cast<std::size_t>(n));
        return buf;
    }
    std::vector<std::uint8_t> check(std::string_view password, bool use_candidate = true) {
        TransactionId tid{};
        tid[0] = static_cast<std::uint8_t>(++tid_);
        return build_binding_request(tid, "srvU:cliU", password, 0x6e0001ff, 42, use_candidate);
    }
    UdpServerStats stats() {
        UdpServerStats s;
        on_strand([&] { s = server_->stats(); });
        return s;
    }

    net::io_context ioc_;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work_{
        ioc_.get_executor()};
    std::unique_ptr<UdpServer> server_;
    std::thread thread_;
    DtlsContext dtls_{Certificate::generate()};
    std::shared_ptr<Recorder> recorder_ = std::make_shared<Recorder>();
    std::shared_ptr<Transport> transport_;
    udp::socket peer_{ioc_};
    udp::endpoint to_;
    int tid_ = 0;
};

TEST_F(TransportTest, ACheckIsAnsweredThenDtlsAndSrtpCarryMediaBothWays) {
    DtlsTestClient client("SRTP_AES128_CM_SHA1_80");
    make_transport(client.cert->fingerprint());

    send(check("server-password-0123456789"));
    auto reply = receive();
    ASSERT_TRUE(reply);
    auto msg = parse_stun(*reply);
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->cls, StunClass::success);
    EXPECT_TRUE(msg->has_fingerprint);
    EXPECT_TRUE(verify_integrity(*reply, *msg, "server-password-0123456789"));
    ASSERT_TRUE(msg->xor_mapped_address);
    EXPECT_EQ(*msg->xor_mapped_address, peer_.local_endpoint());

    // DTLS over the socket, the client (the browser's role) speaking first.
    for (int round = 0; round < 20 && !SSL_is_init_finished(client.ssl); ++round) {
        auto out = client.step();
        if (!out.empty()) send(out);
        while (auto d = receive())
            client.receive(*d);
    }
    client.step();
    ASSERT_TRUE(SSL_is_init_finished(client.ssl));
    ASSERT_EQ(recorder_->connected.get_future().wait_for(2s), std::future_status::ready);

    const auto block = client.exported(60);
    std::vector<std::uint8_t> client_ks(block.begin(), block.begin() + 16);
    client_ks.insert(client_ks.end(), block.begin() + 32, block.begin() + 46);
    std::vector<std::uint8_t> server_ks(block.begin() + 16, block.begin() + 32);
    server_ks.insert(server_ks.end(), block.begin() + 46, block.end());
    auto out = SrtpSession::create(SrtpProfile::aes128_cm_sha1_80, SrtpSession::Direction::outbound,
                                   client_ks);
    auto in = SrtpSession::create(SrtpProfile::aes128_cm_sha1_80, SrtpSession::Direction::inbound,
                                  server_ks);
    ASSERT_TRUE(out && in);

    const std::vector<std::uint8_t> payload = {1, 2, 3, 4, 5};
    auto rtp = write_rtp({true, 96, 1000, 90000, 0x11223344}, {}, payload);
    ASSERT_TRUE(out->protect_rtp(rtp));
    send(rtp);
    // An RTCP receiver report from the "browser" too.
    std::vector<std::uint8_t> rr = {0x80, 201, 0, 1, 0x11, 0x22, 0x33, 0x44};
    ASSERT_TRUE(out->protect_rtcp(rr));
    send(rr);
    for (int i = 0; i < 100; ++i) {
        std::size_t n = 0;
        on_strand([&] { n = recorder_->rtp.size() + recorder_->rtcp.size(); });
        if (n == 2) break;
        std::this_thread::sleep_for(10ms);
    }
    on_strand([&] {
        ASSERT_EQ(recorder_->rtp.size(), 1u);
        EXPECT_EQ(recorder_->rtp[0].ssrc, 0x11223344u);
        EXPECT_EQ(recorder_->rtp[0].sequence, 1000);
        EXPECT_TRUE(std::ranges::equal(recorder_->rtp[0].payload(), payload));
        ASSERT_EQ(recorder_->rtcp.size(), 1u);
        EXPECT_EQ(recorder_->rtcp[0][1], 201);
    });

    // Our RTCP reaches the peer, decryptable with the server's keys.
    bool sent = false;
    on_strand([&] {
        sent = transport_->send_rtcp({0x81, 206, 0, 2, 0, 0, 0, 1, 0x11, 0x22, 0x33, 0x44});
    });
    ASSERT_TRUE(sent);
    std::optional<std::vector<std::uint8_t>> pli;
    for (int i = 0; i < 5 && !pli; ++i) {
        pli = receive();
        if (pli && (*pli)[0] < 128) pli.reset();  // a DTLS retransmission, not media
    }
    ASSERT_TRUE(pli);
    ASSERT_TRUE(in->unprotect_rtcp(*pli));
    EXPECT_EQ((*pli)[1], 206);

    // The fan-out path: packets queued in the server's batch go out in order at flush(), each
    // with the payload type asked for, and decrypt with the server's keys.
    on_strand([&] {
        for (std::uint16_t seq = 2000; seq < 2003; ++seq) {
            EXPECT_TRUE(transport_->queue_rtp(
                write_rtp({false, 96, seq, 3000, 0x55667788}, {}, payload), 100));
        }
        server_->flush();
    });
    for (std::uint16_t seq = 2000; seq < 2003; ++seq) {
        auto d = receive();
        while (d && (*d)[0] < 128)
            d = receive();  // a DTLS retransmission, not media
        ASSERT_TRUE(d);
        ASSERT_TRUE(in->unprotect_rtp(*d));
        auto p = parse_rtp(*d);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->payload_type, 100);
        EXPECT_EQ(p->sequence, seq);
        EXPECT_TRUE(std::ranges::equal(p->payload(), payload));
    }

    // The peer closes DTLS (close_notify): the listener hears it once.
    SSL_shutdown(client.ssl);
    send(client.step());
    for (int i = 0; i < 100; ++i) {
        std::string closed;
        on_strand([&] { closed = recorder_->closed; });
        if (!closed.empty()) break;
        std::this_thread::sleep_for(10ms);
    }
    on_strand([&] { EXPECT_NE(recorder_->closed, ""); });
}

TEST_F(TransportTest, AWrongPasswordIs401AndItsAddressCarriesNothing) {
    make_transport("AA:BB");
    send(check("not-the-password-0123456"));
    auto reply = receive();
    ASSERT_TRUE(reply);
    auto msg = parse_stun(*reply);
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->cls, StunClass::error);
    EXPECT_EQ(msg->error_code, 401);
    // Media from an address no check validated is dropped and counted.
    const std::vector<std::uint8_t> rtp = {0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9, 9};
    send(rtp);
    std::this_thread::sleep_for(50ms);
    const auto s = stats();
    EXPECT_EQ(s.stun_unauthorized, 1u);
    EXPECT_EQ(s.unknown_source, 1u);
    // A check for a ufrag no session has gets no answer at all.
    TransactionId tid{};
    send(build_binding_request(tid, "nobody:cliU", "server-password-0123456789", 1, 1, true));
    EXPECT_FALSE(receive());
    EXPECT_EQ(stats().stun_unknown_ufrag, 1u);
    // Garbage of every kind: counted, nothing answered.
    send(std::vector<std::uint8_t>{0x00, 0x01, 0x00});
    send(std::vector<std::uint8_t>(100, 0xff));
    EXPECT_FALSE(receive());
    const auto after = stats();
    EXPECT_EQ(after.stun_malformed, 1u);
    EXPECT_EQ(after.not_webrtc, 1u);
}

class ShortConsentTest : public TransportTest {
protected:
    UdpServerOptions options() const override { return {"127.0.0.1", 0, 300ms, 300ms}; }
};

TEST_F(ShortConsentTest, APeerSilentPastTheConsentTimeoutIsClosed) {
    make_transport("AA:BB");
    send(check("server-password-0123456789"));
    ASSERT_TRUE(receive());
    std::string closed;
    for (int i = 0; i < 300 && closed.empty(); ++i) {
        std::this_thread::sleep_for(10ms);
        on_strand([&] { closed = recorder_->closed; });
    }
    EXPECT_NE(closed, "");
    EXPECT_EQ(stats().transports, 0u);
}

}  // namespace
}  // namespace nchat::webrtc
