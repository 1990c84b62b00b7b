// DTLS-SRTP as the passive side against OpenSSL's own DTLS client (the role a browser plays):
// the handshake completes, both ends export the same keys, SRTP made from them round-trips,
// and a certificate that is not the offer's is refused.
#include "webrtc/dtls.hpp"

#include <deque>
#include <memory>

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "unit/webrtc/dtls_client.hpp"
#include "webrtc/certificate.hpp"
#include "webrtc/srtp_session.hpp"

namespace nchat::webrtc {
namespace {

// Drives both ends until neither has anything to say (or 20 rounds).
void handshake(DtlsTestClient& client,
               DtlsTransport& server,
               std::deque<std::vector<std::uint8_t>>& to_client) {
    for (int round = 0; round < 20; ++round) {
        while (!to_client.empty()) {
            client.receive(to_client.front());
            to_client.pop_front();
        }
        auto out = client.step();
        if (out.empty() && SSL_is_init_finished(client.ssl)) break;
        if (!out.empty()) server.on_datagram(out);
    }
}

struct Case {
    const char* offered;
    SrtpProfile expect;
    std::size_t key, salt;
};

class DtlsSrtp : public ::testing::TestWithParam<Case> {};

TEST_P(DtlsSrtp, HandshakeExportsTheSameKeysAndSrtpRoundTrips) {
    const Case c = GetParam();
    DtlsContext ctx(Certificate::generate());
    DtlsTestClient client(c.offered);
    std::deque<std::vector<std::uint8_t>> to_client;
    std::size_t largest = 0;
    DtlsTransport server(ctx, client.cert->fingerprint(), [&](std::span<const std::uint8_t> d) {
        largest = std::max(largest, d.size());
        to_client.emplace_back(d.begin(), d.end());
    });
    handshake(client, server, to_client);
    ASSERT_EQ(server.state(), DtlsTransport::State::connected) << server.failure();
    ASSERT_TRUE(SSL_is_init_finished(client.ssl));
    EXPECT_LE(largest, 1200u);  // every record fits the MTU we set

    // The server pinned the client's certificate; the client sees ours.
    X509* ours = SSL_get1_peer_certificate(client.ssl);
    EXPECT_EQ(sha256_fingerprint(ours), ctx.certificate().fingerprint());
    X509_free(ours);

    const auto& keys = server.keys();
    ASSERT_TRUE(keys);
    EXPECT_EQ(keys->profile, c.expect);
    const auto block = client.exported(2 * (c.key + c.salt));
    // client key | server key | client salt | server salt
    std::vector<std::uint8_t> client_ks(block.begin(), block.begin() + c.key);
    client_ks.insert(client_ks.end(), block.begin() + 2 * c.key,
                     block.begin() + 2 * c.key + c.salt);
    std::vector<std::uint8_t> server_ks(block.begin() + c.key, block.begin() + 2 * c.key);
    server_ks.insert(server_ks.end(), block.begin() + 2 * c.key + c.salt, block.end());
    EXPECT_EQ(keys->remote, client_ks);
    EXPECT_EQ(keys->local, server_ks);

    // The browser's outbound session (its own key) → our inbound one.
    auto browser_out = SrtpSession::create(c.expect, SrtpSession::Direction::outbound, client_ks);
    auto our_in = SrtpSession::create(keys->profile, SrtpSession::Direction::inbound, keys->remote);
    ASSERT_TRUE(browser_out);
    ASSERT_TRUE(our_in);
    std::vector<std::uint8_t> rtp = {0x80, 0x60, 0x12, 0x34, 0, 0, 0, 1, 0xca, 0xfe, 0xba, 0xbe};
    for (int i = 0; i < 100; ++i)
        rtp.push_back(static_cast<std::uint8_t>(i));
    auto wire = rtp;
    ASSERT_TRUE(browser_out->protect_rtp(wire));
    EXPECT_GT(wire.size(), rtp.size());
    EXPECT_NE(wire, rtp);
    auto copy = wire;
    ASSERT_TRUE(our_in->unprotect_rtp(wire));
    EXPECT_EQ(wire, rtp);
    // A replay of the same packet is refused; a flipped bit too.
    EXPECT_FALSE(our_in->unprotect_rtp(copy));
    std::vector<std::uint8_t> rtcp = {0x81, 0xc9, 0x00, 0x07, 0xca, 0xfe, 0xba, 0xbe, 1, 2, 3,
                                      4,    0,    0,    0,    0,    0,    0,    0,    0, 0, 0,
                                      0,    0,    0,    0,    0,    0,    0,    0,    0, 0};
    auto rtcp_wire = rtcp;
    ASSERT_TRUE(browser_out->protect_rtcp(rtcp_wire));
    rtcp_wire[rtcp_wire.size() - 1] ^= 1;
    EXPECT_FALSE(our_in->unprotect_rtcp(rtcp_wire));

    // Close: the client reads our close_notify.
    server.close();
    ASSERT_FALSE(to_client.empty());
    client.receive(to_client.front());
    char buf[16];
    EXPECT_LE(SSL_read(client.ssl, buf, sizeof buf), 0);
    EXPECT_EQ(SSL_get_error(client.ssl, -1) == SSL_ERROR_ZERO_RETURN ||
                  (SSL_get_shutdown(client.ssl) & SSL_RECEIVED_SHUTDOWN) != 0,
              true);
}

INSTANTIATE_TEST_SUITE_P(
    Profiles,
    DtlsSrtp,
    ::testing::Values(Case{"SRTP_AES128_CM_SHA1_80", SrtpProfile::aes128_cm_sha1_80, 16, 14},
                      Case{"SRTP_AEAD_AES_128_GCM", SrtpProfile::aead_aes_128_gcm, 16, 12}));

TEST(Dtls, APeerWhoseCertificateIsNotTheOffersIsRefused) {
    DtlsContext ctx(Certificate::generate());
    DtlsTestClient client("SRTP_AES128_CM_SHA1_80");
    auto other = Certificate::generate();
    std::deque<std::vector<std::uint8_t>> to_client;
    DtlsTransport server(ctx, other->fingerprint(), [&](std::span<const std::uint8_t> d) {
        to_client.emplace_back(d.begin(), d.end());
    });
    handshake(client, server, to_client);
    EXPECT_EQ(server.state(), DtlsTransport::State::failed);
    EXPECT_FALSE(server.keys());
}

TEST(Dtls, GarbageIsNotAHandshake) {
    DtlsContext ctx(Certificate::generate());
    int sent = 0;
    DtlsTransport server(ctx, "AA", [&](std::span<const std::uint8_t>) { ++sent; });
    std::vector<std::uint8_t> junk(300, 0x16);
    server.on_datagram(junk);
    EXPECT_NE(server.state(), DtlsTransport::State::connected);
    EXPECT_FALSE(server.keys());
}

TEST(Dtls, TheCertificateFingerprintIsSdpShaped) {
    auto c = Certificate::generate();
    ASSERT_EQ(c->fingerprint().size(), 32u * 3 - 1);
    for (std::size_t i = 2; i < c->fingerprint().size(); i += 3)
        EXPECT_EQ(c->fingerprint()[i], ':');
    EXPECT_NE(c->fingerprint(), Certificate::generate()->fingerprint());
}

}  // namespace
}  // namespace nchat::webrtc
