#include "ingest/rtmp/detail/handshake.hpp"

#include <numeric>

#include <gtest/gtest.h>

#include "ingest/rtmp/detail/error.hpp"
#include "util/crypto.hpp"

namespace nchat::ingest::rtmp {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes pattern(std::size_t n, std::uint8_t seed) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i)
        b[i] = static_cast<std::uint8_t>(seed + i * 7);
    return b;
}

// C0+C1 the way FFmpeg's client builds it: version 9.0.124.2 and a scheme-0 digest keyed with
// the player key.
Bytes ffmpeg_c0c1(int scheme) {
    Bytes c0c1 = {3};
    Bytes c1 = pattern(kHandshakeSize, 1);
    c1[0] = c1[1] = c1[2] = c1[3] = 0;
    c1[4] = 9;
    c1[5] = 0;
    c1[6] = 124;
    c1[7] = 2;
    auto off = digest_offset(c1, scheme);
    auto d = make_digest(c1, off, client_key_partial());
    std::copy(d.begin(), d.end(), c1.begin() + static_cast<long>(off));
    c0c1.insert(c0c1.end(), c1.begin(), c1.end());
    return c0c1;
}

TEST(Handshake, PlainEchoesC1) {
    Bytes c0c1 = {3};
    Bytes c1 = pattern(kHandshakeSize, 9);
    std::fill_n(c1.begin() + 4, 4, 0);  // librtmp/OBS: zero version = plain
    c0c1.insert(c0c1.end(), c1.begin(), c1.end());
    auto a = answer_handshake(c0c1, pattern(2 * kHandshakeSize, 3), 1234);
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->digest);
    ASSERT_EQ(a->s0s1s2.size(), 1 + 2 * kHandshakeSize);
    EXPECT_EQ(a->s0s1s2[0], 3);
    EXPECT_EQ(a->s0s1s2[4], 1234 & 0xFF);
    EXPECT_EQ(Bytes(a->s0s1s2.begin() + 1 + kHandshakeSize, a->s0s1s2.end()), c1);
}

TEST(Handshake, DigestInBothSchemes) {
    for (int scheme : {0, 1}) {
        auto c0c1 = ffmpeg_c0c1(scheme);
        auto a = answer_handshake(c0c1, pattern(2 * kHandshakeSize, 5), 0);
        ASSERT_TRUE(a);
        EXPECT_TRUE(a->digest) << scheme;
        std::span<const std::uint8_t> s1(a->s0s1s2.data() + 1, kHandshakeSize);
        std::span<const std::uint8_t> s2(a->s0s1s2.data() + 1 + kHandshakeSize, kHandshakeSize);
        // S1 carries a server digest a client can check (scheme 0, server key).
        EXPECT_TRUE(has_valid_digest(s1, 0, server_key_partial()));
        // S2's last 32 bytes: HMAC(HMAC(full server key, C1 digest), S2 without them),
        // computed here independently with util::hmac_sha256.
        std::span<const std::uint8_t> c1(c0c1.data() + 1, kHandshakeSize);
        auto off = digest_offset(c1, scheme);
        auto key = util::hmac_sha256(
            std::string_view(reinterpret_cast<const char*>(server_key_full().data()), 68),
            std::string_view(reinterpret_cast<const char*>(c1.data()) + off, 32));
        auto expect = util::hmac_sha256(
            std::string_view(reinterpret_cast<const char*>(key.data()), key.size()),
            std::string_view(reinterpret_cast<const char*>(s2.data()), kHandshakeSize - 32));
        EXPECT_TRUE(std::equal(expect.begin(), expect.end(), s2.end() - 32)) << scheme;
    }
}

TEST(Handshake, VersionedWithoutValidDigestFallsBackToPlain) {
    auto c0c1 = ffmpeg_c0c1(0);
    c0c1[1 + digest_offset(std::span(c0c1).subspan(1), 0)] ^= 0xFF;  // break the digest
    auto a = answer_handshake(c0c1, pattern(2 * kHandshakeSize, 5), 0);
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->digest);
    EXPECT_TRUE(std::equal(c0c1.begin() + 1, c0c1.end(), a->s0s1s2.begin() + 1 + kHandshakeSize));
}

TEST(Handshake, RefusesOtherVersionsAndSizes) {
    auto c0c1 = ffmpeg_c0c1(0);
    c0c1[0] = 6;  // RTMPE
    EXPECT_EQ(answer_handshake(c0c1, pattern(2 * kHandshakeSize, 1), 0).error(),
              make_error_code(error::malformed));
    EXPECT_FALSE(answer_handshake(Bytes(10, 3), pattern(2 * kHandshakeSize, 1), 0));
}

}  // namespace
}  // namespace nchat::ingest::rtmp
