#include "ingest/rtmp/detail/handshake.hpp"

#include <algorithm>
#include <cstring>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ingest/rtmp/detail/error.hpp"

namespace nchat::ingest::rtmp {
namespace {

constexpr std::uint8_t kVersion = 3;
constexpr std::size_t kDigestLen = 32;

// "Genuine Adobe Flash Player 001" / "Genuine Adobe Flash Media Server 001" followed by the
// 32 constant bytes every implementation shares.
constexpr std::uint8_t kServerKey[68] = {
    'G',  'e',  'n',  'u',  'i',  'n',  'e',  ' ',  'A',  'd',  'o',  'b',  'e',  ' ',
    'F',  'l',  'a',  's',  'h',  ' ',  'M',  'e',  'd',  'i',  'a',  ' ',  'S',  'e',
    'r',  'v',  'e',  'r',  ' ',  '0',  '0',  '1',  0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68,
    0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57, 0x6E, 0xEC, 0x5D, 0x2D,
    0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE};
constexpr char kClientKeyText[] = "Genuine Adobe Flash Player 001";

std::array<std::uint8_t, 32> hmac(std::span<const std::uint8_t> key,
                                  std::span<const std::uint8_t> a,
                                  std::span<const std::uint8_t> b = {}) {
    std::array<std::uint8_t, 32> out{};
    unsigned int len = 0;
    std::vector<std::uint8_t> msg(a.begin(), a.end());
    msg.insert(msg.end(), b.begin(), b.end());
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), msg.data(), msg.size(), out.data(),
         &len);
    return out;
}

}  // namespace

std::span<const std::uint8_t> client_key_partial() {
    return {reinterpret_cast<const std::uint8_t*>(kClientKeyText), 30};
}
std::span<const std::uint8_t> server_key_partial() {
    return {kServerKey, 36};
}
std::span<const std::uint8_t> server_key_full() {
    return {kServerKey, 68};
}

std::size_t digest_offset(std::span<const std::uint8_t> block, int scheme) {
    // Scheme 0: the digest block follows time+version; scheme 1: after the 764-byte key block.
    std::size_t base = scheme == 0 ? 8 : 772;
    std::size_t sum =
        std::size_t(block[base]) + block[base + 1] + block[base + 2] + block[base + 3];
    return sum % 728 + base + 4;
}

std::array<std::uint8_t, 32> make_digest(std::span<const std::uint8_t> block,
                                         std::size_t offset,
                                         std::span<const std::uint8_t> key) {
    return hmac(key, block.subspan(0, offset), block.subspan(offset + kDigestLen));
}

bool has_valid_digest(std::span<const std::uint8_t> block,
                      int scheme,
                      std::span<const std::uint8_t> key) {
    auto off = digest_offset(block, scheme);
    auto d = make_digest(block, off, key);
    return std::equal(d.begin(), d.end(), block.begin() + static_cast<long>(off));
}

util::Result<HandshakeAnswer> answer_handshake(std::span<const std::uint8_t> c0c1,
                                               std::span<const std::uint8_t> random,
                                               std::uint32_t server_time) {
    if (c0c1.size() != 1 + kHandshakeSize || random.size() < 2 * kHandshakeSize) {
        return error::malformed;
    }
    if (c0c1[0] != kVersion) return error::malformed;
    auto c1 = c0c1.subspan(1);

    HandshakeAnswer a;
    a.s0s1s2.resize(1 + 2 * kHandshakeSize);
    a.s0s1s2[0] = kVersion;
    std::span<std::uint8_t> s1(a.s0s1s2.data() + 1, kHandshakeSize);
    std::span<std::uint8_t> s2(a.s0s1s2.data() + 1 + kHandshakeSize, kHandshakeSize);
    std::copy_n(random.begin(), kHandshakeSize, s1.begin());
    s1[0] = static_cast<std::uint8_t>(server_time >> 24);
    s1[1] = static_cast<std::uint8_t>(server_time >> 16);
    s1[2] = static_cast<std::uint8_t>(server_time >> 8);
    s1[3] = static_cast<std::uint8_t>(server_time);

    // A client version of zero means the plain handshake; otherwise look for its digest in
    // either scheme and fall back to plain when neither matches (harlanc/xiu#23).
    int scheme = -1;
    bool versioned = c1[4] || c1[5] || c1[6] || c1[7];
    if (versioned) {
        if (has_valid_digest(c1, 1, client_key_partial())) {
            scheme = 1;
        } else if (has_valid_digest(c1, 0, client_key_partial())) {
            scheme = 0;
        }
    }
    if (scheme < 0) {
        std::fill_n(s1.begin() + 4, 4, 0);            // plain S1: time, zero, random
        std::copy(c1.begin(), c1.end(), s2.begin());  // plain S2 echoes C1 (§5.2.4)
        return a;
    }
    a.digest = true;
    static constexpr std::uint8_t kServerVersion[4] = {0x04, 0x05, 0x00, 0x01};
    std::copy_n(kServerVersion, 4, s1.begin() + 4);
    auto s1_off = digest_offset(s1, 0);
    auto s1_digest = make_digest(s1, s1_off, server_key_partial());
    std::copy(s1_digest.begin(), s1_digest.end(), s1.begin() + static_cast<long>(s1_off));

    auto c1_off = digest_offset(c1, scheme);
    auto key = hmac(server_key_full(), c1.subspan(c1_off, kDigestLen));
    std::copy_n(random.begin() + kHandshakeSize, kHandshakeSize, s2.begin());
    auto s2_digest = hmac(key, s2.subspan(0, kHandshakeSize - kDigestLen));
    std::copy(s2_digest.begin(), s2_digest.end(), s2.end() - kDigestLen);
    return a;
}

}  // namespace nchat::ingest::rtmp
