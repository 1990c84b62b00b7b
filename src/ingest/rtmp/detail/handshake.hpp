#pragma once
// The RTMP handshake, server side (RTMP 1.0 §5.2), with the digest ("complex") variant that
// Flash-era encoders and FFmpeg send (not in the spec; see protocols.md §1). Pure: the
// caller supplies time and random bytes.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "util/result.hpp"

namespace nchat::ingest::rtmp {

inline constexpr std::size_t kHandshakeSize = 1536;

struct HandshakeAnswer {
    std::vector<std::uint8_t> s0s1s2;  // 1 + 1536 + 1536 bytes, written in one go
    bool digest = false;               // the client used the digest handshake
};

// `c0c1`: exactly 1537 bytes. `random`: 2 × 1536 bytes of CSPRNG output for S1 and S2.
// error::malformed for a version other than 3 (RTMPE and the like are refused).
util::Result<HandshakeAnswer> answer_handshake(std::span<const std::uint8_t> c0c1,
                                               std::span<const std::uint8_t> random,
                                               std::uint32_t server_time);

// Exposed for tests: where the digest of a 1536-byte C1/S1 sits in scheme 0 or 1, and whether
// the one in `block` is valid for `key`.
std::size_t digest_offset(std::span<const std::uint8_t> block, int scheme);
bool has_valid_digest(std::span<const std::uint8_t> block,
                      int scheme,
                      std::span<const std::uint8_t> key);
std::array<std::uint8_t, 32> make_digest(std::span<const std::uint8_t> block,
                                         std::size_t offset,
                                         std::span<const std::uint8_t> key);

// The well-known keys (the first 30 / 36 bytes are the texts; the full server key adds 32).
std::span<const std::uint8_t> client_key_partial();
std::span<const std::uint8_t> server_key_partial();
std::span<const std::uint8_t> server_key_full();

}  // namespace nchat::ingest::rtmp
