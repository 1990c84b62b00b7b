#include "webrtc/stun.hpp"

#include <gtest/gtest.h>

#include "unit/testing/hex.hpp"

namespace nchat::webrtc {
namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::udp;
using testing::Bytes;
using testing::hex;

constexpr std::string_view kPassword = "VOkJxbRl1RmTxUk/WvJxBt";

// RFC 5769 §2.1, sample request (short-term credentials).
const Bytes kRequest =
    hex("0001 0058"                                      // Binding request, length 88
        "2112a442"                                       // magic cookie
        "b7e7a701 bc34d686 fa87dfae"                     // transaction ID
        "8022 0010 5354554e 20746573 7420636c 69656e74"  // SOFTWARE "STUN test client"
        "0024 0004 6e0001ff"                             // PRIORITY
        "8029 0008 932ff9b1 51263b36"                    // ICE-CONTROLLED tiebreaker
        "0006 0009 6576746a 3a683676 59202020"  // USERNAME "evtj:h6vY" + 3 pad bytes (spaces)
        "0008 0014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2"  // MESSAGE-INTEGRITY
        "8028 0004 e57a3bcf");                                    // FINGERPRINT

// RFC 5769 §2.2, sample IPv4 response: 192.0.2.1:32853.
const Bytes kResponseV4 =
    hex("0101 003c 2112a442 b7e7a701 bc34d686 fa87dfae"           // Binding success, length 60
        "8022 000b 74657374 20766563 746f7220"                    // SOFTWARE "test vector" + pad
        "0020 0008 0001 a147 e112a643"                            // XOR-MAPPED-ADDRESS v4
        "0008 0014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7"  // MESSAGE-INTEGRITY
        "8028 0004 c07d4c96");                                    // FINGERPRINT

// RFC 5769 §2.3, sample IPv6 response: [2001:db8:1234:5678:11:2233:4455:6677]:32853.
const Bytes kResponseV6 =
    hex("0101 0048 2112a442 b7e7a701 bc34d686 fa87dfae"
        "8022 000b 74657374 20766563 746f7220"
        "0020 0014 0002 a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9"  // XOR-MAPPED-ADDRESS v6
        "0008 0014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41"
        "8028 0004 c8fb0b4c");

const TransactionId kTid{0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

TEST(Stun, Rfc5769Request) {
    ASSERT_TRUE(looks_like_stun(kRequest));
    auto m = parse_stun(kRequest);
    ASSERT_TRUE(m.ok()) << m.error().message();
    EXPECT_EQ(m->method, kStunBinding);
    EXPECT_EQ(m->cls, StunClass::request);
    EXPECT_EQ(m->transaction_id, kTid);
    EXPECT_EQ(m->username, "evtj:h6vY");
    EXPECT_EQ(m->priority, 0x6e0001ffu);
    EXPECT_EQ(m->ice_controlled, 0x932ff9b151263b36u);
    EXPECT_FALSE(m->ice_controlling);
    EXPECT_FALSE(m->use_candidate);
    EXPECT_EQ(m->integrity_offset, 76u);
    EXPECT_TRUE(m->has_fingerprint);
    EXPECT_TRUE(m->unknown_required.empty());
    EXPECT_TRUE(verify_integrity(kRequest, *m, kPassword));
    EXPECT_FALSE(verify_integrity(kRequest, *m, "wrong password"));
}

TEST(Stun, Rfc5769ResponseV4) {
    auto m = parse_stun(kResponseV4);
    ASSERT_TRUE(m.ok()) << m.error().message();
    EXPECT_EQ(m->cls, StunClass::success);
    EXPECT_EQ(m->xor_mapped_address, udp::endpoint(make_address("192.0.2.1"), 32853));
    EXPECT_TRUE(m->has_fingerprint);
    EXPECT_TRUE(verify_integrity(kResponseV4, *m, kPassword));
}

TEST(Stun, Rfc5769ResponseV6) {
    auto m = parse_stun(kResponseV6);
    ASSERT_TRUE(m.ok()) << m.error().message();
    EXPECT_EQ(m->xor_mapped_address,
              udp::endpoint(make_address("2001:db8:1234:5678:11:2233:4455:6677"), 32853));
    EXPECT_TRUE(m->has_fingerprint);
    EXPECT_TRUE(verify_integrity(kResponseV6, *m, kPassword));
}

// A check from libnice 0.1.21 (GStreamer webrtcbin, controlling) to an ICE-lite peer whose
// ice-pwd is 0123456789abcdefghijkl, captured on loopback: a second implementation's MI.
const Bytes kLibniceCheck =
    hex("0001 0064 2112a442 7e0bd931 dea9b6d6 f6ac7b45"  // Binding request, length 100
        "0025 0000"                                      // USE-CANDIDATE
        "0024 0004 6e2000ff"                             // PRIORITY
        "802a 0008 6fb024ef 6cf91544"                    // ICE-CONTROLLING tiebreaker
        "0006 0025 73727631 3a637144 74323077 34697a6a 44446e51 794d452b 64705643 5a2f2f73"
        "47664935 53 202020"  // USERNAME "srv1:cqDt20w4izjDDnQyME+dpVCZ//sGfI5S", pad of spaces
        "0008 0014 d2a90d67 4a92ae1a 702bfaba 22d75a43 6795df94"  // MESSAGE-INTEGRITY
        "8028 0004 639c2956");                                    // FINGERPRINT

TEST(Stun, LibniceCheck) {
    auto m = parse_stun(kLibniceCheck);
    ASSERT_TRUE(m.ok()) << m.error().message();
    EXPECT_EQ(m->username, "srv1:cqDt20w4izjDDnQyME+dpVCZ//sGfI5S");
    EXPECT_TRUE(m->use_candidate);
    EXPECT_EQ(m->priority, 0x6e2000ffu);
    EXPECT_EQ(m->ice_controlling, 0x6fb024ef6cf91544u);
    EXPECT_TRUE(m->has_fingerprint);
    EXPECT_TRUE(verify_integrity(kLibniceCheck, *m, "0123456789abcdefghijkl"));
}

TEST(Stun, Crc32IsZlibs) {
    const std::string_view s = "123456789";
    EXPECT_EQ(crc32(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size())),
              0xCBF43926u);
}

TEST(Stun, TamperedIntegrityFailsVerify) {
    Bytes b = kRequest;
    b[76 + 4] ^= 0x01;  // first MI byte; FINGERPRINT then fails too, so patch it back out
    auto no_fp = Bytes(b.begin(), b.end() - 8);
    no_fp[3] = static_cast<std::uint8_t>(no_fp.size() - 20);
    auto m = parse_stun(no_fp);
    ASSERT_TRUE(m.ok()) << m.error().message();
    EXPECT_FALSE(m->has_fingerprint);
    EXPECT_FALSE(verify_integrity(no_fp, *m, kPassword));

    Bytes body = kRequest;
    body[54] ^= 0x01;  // a byte of the tiebreaker, covered by MI
    auto fp_fixed = Bytes(body.begin(), body.end() - 8);
    fp_fixed[3] = static_cast<std::uint8_t>(fp_fixed.size() - 20);
    auto m2 = parse_stun(fp_fixed);
    ASSERT_TRUE(m2.ok());
    EXPECT_FALSE(verify_integrity(fp_fixed, *m2, kPassword));
}

TEST(Stun, WrongFingerprintFailsParse) {
    Bytes b = kRequest;
    b.back() ^= 0x01;
    EXPECT_EQ(parse_stun(b).error(), StunError::bad_fingerprint);
    Bytes c = kRequest;
    c[44] ^= 0x01;  // PRIORITY value: covered by FINGERPRINT
    EXPECT_EQ(parse_stun(c).error(), StunError::bad_fingerprint);
}

TEST(Stun, FingerprintMustBeLast) {
    Bytes b = kRequest;
    for (std::uint8_t x : hex("0025 0000"))  // USE-CANDIDATE after FINGERPRINT
        b.push_back(x);
    b[3] = static_cast<std::uint8_t>(b.size() - 20);
    EXPECT_EQ(parse_stun(b).error(), StunError::bad_fingerprint);
}

TEST(Stun, HeaderChecks) {
    EXPECT_FALSE(looks_like_stun({}));
    EXPECT_FALSE(looks_like_stun(Bytes(kRequest.begin(), kRequest.begin() + 19)));
    Bytes rtp = kRequest;
    rtp[0] = 0x80;
    EXPECT_FALSE(looks_like_stun(rtp));
    Bytes cookie = kRequest;
    cookie[4] = 0x22;
    EXPECT_EQ(parse_stun(cookie).error(), StunError::not_stun);
    Bytes odd = kRequest;
    odd[3] = 0x57;  // length not a multiple of 4
    EXPECT_EQ(parse_stun(odd).error(), StunError::not_stun);
}

TEST(Stun, EveryTruncationFails) {
    for (std::size_t n = 0; n < kRequest.size(); ++n) {
        Bytes b(kRequest.begin(), kRequest.begin() + n);
        EXPECT_FALSE(parse_stun(b).ok()) << n;
        if (n >= 20) {  // the header length claims the prefix exactly
            b[2] = static_cast<std::uint8_t>((n - 20) >> 8);
            b[3] = static_cast<std::uint8_t>(n - 20);
            auto m = parse_stun(b);  // may parse (cut at an attribute boundary) or fail
            if (m.ok()) {
                EXPECT_FALSE(m->has_fingerprint);
            }
        }
    }
}

TEST(Stun, OverLongAttributeLengthFails) {
    // USERNAME claims 0x00ff bytes: past the end of the message.
    auto b = hex("0001 0008 2112a442 b7e7a701 bc34d686 fa87dfae 0006 00ff 61626364");
    EXPECT_EQ(parse_stun(b).error(), StunError::truncated);
    // PRIORITY with 8 bytes.
    auto c = hex("0001 000c 2112a442 b7e7a701 bc34d686 fa87dfae 0024 0008 00000001 00000002");
    EXPECT_EQ(parse_stun(c).error(), StunError::malformed);
}

TEST(Stun, TooManyAttributesFails) {
    auto b = hex("0001 0000 2112a442 b7e7a701 bc34d686 fa87dfae");
    for (int i = 0; i < 40; ++i)
        for (std::uint8_t x : hex("8022 0000"))
            b.push_back(x);
    b[3] = static_cast<std::uint8_t>(b.size() - 20);
    EXPECT_EQ(parse_stun(b).error(), StunError::too_many_attributes);
}

TEST(Stun, UnknownComprehensionRequired) {
    auto b =
        hex("0001 0010 2112a442 b7e7a701 bc34d686 fa87dfae"
            "0026 0004 6e0001ff"    // unknown, comprehension-required
            "c057 0004 00010032");  // GOOG-NETWORK-INFO: optional
    auto m = parse_stun(b);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->unknown_required, std::vector<std::uint16_t>{0x0026});
}

TEST(Stun, ErrorCodeCategory) {
    std::error_code ec = StunError::bad_fingerprint;
    EXPECT_STREQ(ec.category().name(), "stun");
    EXPECT_EQ(ec.message(), "wrong or misplaced FINGERPRINT");
}

TEST(Stun, RequestRoundTrip) {
    TransactionId tid{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    auto b = build_binding_request(tid, "srvr:brws", "0123456789abcdefghijkl", 0x7e7fffff,
                                   0x1122334455667788, true);
    ASSERT_TRUE(looks_like_stun(b));
    auto m = parse_stun(b);
    ASSERT_TRUE(m.ok()) << m.error().message();
    EXPECT_EQ(m->cls, StunClass::request);
    EXPECT_EQ(m->method, kStunBinding);
    EXPECT_EQ(m->transaction_id, tid);
    EXPECT_EQ(m->username, "srvr:brws");
    EXPECT_EQ(m->priority, 0x7e7fffffu);
    EXPECT_EQ(m->ice_controlling, 0x1122334455667788u);
    EXPECT_TRUE(m->use_candidate);
    EXPECT_TRUE(m->has_fingerprint);
    EXPECT_TRUE(verify_integrity(b, *m, "0123456789abcdefghijkl"));
    EXPECT_FALSE(verify_integrity(b, *m, "0123456789abcdefghijkL"));
}

TEST(Stun, SuccessRoundTripV4AndV6) {
    for (const char* ip : {"203.0.113.7", "2001:db8::1", "::ffff:198.51.100.2"}) {
        udp::endpoint ep(make_address(ip), 54321);
        auto b = build_binding_success(kTid, ep, kPassword);
        auto m = parse_stun(b);
        ASSERT_TRUE(m.ok()) << ip;
        EXPECT_EQ(m->cls, StunClass::success);
        ASSERT_TRUE(m->xor_mapped_address);
        if (std::string_view(ip).starts_with("::ffff:")) {
            EXPECT_EQ(*m->xor_mapped_address, udp::endpoint(make_address("198.51.100.2"), 54321));
        } else {
            EXPECT_EQ(*m->xor_mapped_address, ep);
        }
        EXPECT_TRUE(m->has_fingerprint);
        EXPECT_TRUE(verify_integrity(b, *m, kPassword));
    }
}

TEST(Stun, SuccessMatchesRfc5769ExceptSoftware) {
    // Our response has no SOFTWARE: the XOR-MAPPED-ADDRESS bytes are those of §2.2.
    auto b =
        build_binding_success(kTid, udp::endpoint(make_address("192.0.2.1"), 32853), kPassword);
    EXPECT_EQ(Bytes(b.begin() + 20, b.begin() + 32),
              Bytes(kResponseV4.begin() + 36, kResponseV4.begin() + 48));
}

TEST(Stun, ErrorRoundTrip) {
    const std::uint16_t unknown[] = {0x0026, 0x0031};
    auto b = build_binding_error(kTid, 420, "Unknown Attribute", kPassword, unknown);
    auto m = parse_stun(b);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->cls, StunClass::error);
    EXPECT_EQ(m->error_code, 420);
    EXPECT_TRUE(verify_integrity(b, *m, kPassword));

    auto u = build_binding_error(kTid, 400, "Bad Request", "");
    auto mu = parse_stun(u);
    ASSERT_TRUE(mu.ok());
    EXPECT_EQ(mu->error_code, 400);
    EXPECT_EQ(mu->integrity_offset, 0u);
    EXPECT_TRUE(mu->has_fingerprint);
    EXPECT_FALSE(verify_integrity(u, *mu, kPassword));
}

}  // namespace
}  // namespace nchat::webrtc
