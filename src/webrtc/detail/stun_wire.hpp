#pragma once
// Wire constants and helpers shared by the STUN parser (stun.cpp) and builders (stun_build.cpp).
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace nchat::webrtc::detail {

inline constexpr std::size_t kHeaderSize = 20;
inline constexpr std::uint32_t kMagicCookie = 0x2112A442;
inline constexpr std::uint32_t kFingerprintXor = 0x5354554E;  // RFC 8489 §14.7: "STUN"
inline constexpr std::size_t kHmacSha1Size = 20;

enum Attr : std::uint16_t {
    kMappedAddress = 0x0001,
    kUsername = 0x0006,
    kMessageIntegrity = 0x0008,
    kErrorCode = 0x0009,
    kUnknownAttributes = 0x000A,
    kRealm = 0x0014,
    kNonce = 0x0015,
    kXorMappedAddress = 0x0020,
    kPriority = 0x0024,
    kUseCandidate = 0x0025,
    kFingerprint = 0x8028,
    kIceControlled = 0x8029,
    kIceControlling = 0x802A,
};

// HMAC-SHA1 (RFC 8489 §14.5, short-term credentials: the key is the password as is).
std::array<std::uint8_t, kHmacSha1Size> hmac_sha1(std::string_view key,
                                                  std::span<const std::uint8_t> data);

}  // namespace nchat::webrtc::detail
