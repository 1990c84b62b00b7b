#pragma once
// STUN (RFC 8489) as an ICE-lite server (RFC 8445) needs it: parse the browser's Binding
// requests, check their MESSAGE-INTEGRITY, and build the responses. Pure functions, no I/O.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <boost/asio/ip/udp.hpp>

#include "util/result.hpp"

namespace nchat::webrtc {

enum class StunError {
    not_stun = 1,         // header: first bits, magic cookie or length do not say STUN
    truncated,            // an attribute runs past the end of the message
    malformed,            // an attribute's value has the wrong size or content
    too_many_attributes,  // over limits::kMaxStunAttributes
    too_large,            // the message or USERNAME over its limit
    bad_fingerprint,      // FINGERPRINT present but wrong, or not the last attribute
};

const std::error_category& stun_error_category();
inline std::error_code make_error_code(StunError e) {
    return {static_cast<int>(e), stun_error_category()};
}

}  // namespace nchat::webrtc

template <>
struct std::is_error_code_enum<nchat::webrtc::StunError> : std::true_type {};

namespace nchat::webrtc {

inline constexpr std::uint16_t kStunBinding = 0x001;

using TransactionId = std::array<std::uint8_t, 12>;
enum class StunClass : std::uint8_t { request, indication, success, error };

struct StunMessage {
    std::uint16_t method = 0;  // 0x001 = Binding
    StunClass cls = StunClass::request;
    TransactionId transaction_id{};
    std::optional<std::string> username;           // USERNAME (0x0006)
    std::optional<std::uint32_t> priority;         // PRIORITY (0x0024)
    bool use_candidate = false;                    // USE-CANDIDATE (0x0025)
    std::optional<std::uint64_t> ice_controlling;  // 0x802A
    std::optional<std::uint64_t> ice_controlled;   // 0x8029
    std::optional<std::uint16_t> error_code;       // ERROR-CODE class*100+number
    std::optional<boost::asio::ip::udp::endpoint> xor_mapped_address;  // 0x0020 (v4 and v6)
    std::size_t integrity_offset = 0;  // byte offset of the MESSAGE-INTEGRITY attribute; 0 = none
    bool has_fingerprint = false;      // FINGERPRINT present AND correct (a wrong one fails parse)
    std::vector<std::uint16_t> unknown_required;  // comprehension-required ones we don't know
};

// First-byte and header check without parsing (RFC 7983: first byte 0..3; 20-byte header,
// magic cookie 0x2112A442, length multiple of 4 matching the datagram).
bool looks_like_stun(std::span<const std::uint8_t> datagram);

// The whole datagram is one message. Attributes after MESSAGE-INTEGRITY other than FINGERPRINT
// are ignored (RFC 8489 §14.5); of a repeated attribute only the first counts.
util::Result<StunMessage> parse_stun(std::span<const std::uint8_t> datagram);

// HMAC-SHA1 with `password` (short-term credentials: the key is the password as is) over the
// message up to the MI attribute, with the header length adjusted as RFC 8489 §14.5 says.
// False when `m` has no MI. Constant-time comparison.
bool verify_integrity(std::span<const std::uint8_t> datagram,
                      const StunMessage& m,
                      std::string_view password);

// Binding success: XOR-MAPPED-ADDRESS = `mapped`, MESSAGE-INTEGRITY with `password`,
// FINGERPRINT. A v4-mapped IPv6 address (dual-stack socket) is written as IPv4.
std::vector<std::uint8_t> build_binding_success(const TransactionId& tid,
                                                const boost::asio::ip::udp::endpoint& mapped,
                                                std::string_view password);

// Binding error response (400, 401, 420 with UNKNOWN-ATTRIBUTES, 487): ERROR-CODE with reason
// (cut at limits::kMaxStunReason bytes), MI only when `password` is non-empty, FINGERPRINT.
std::vector<std::uint8_t> build_binding_error(const TransactionId& tid,
                                              std::uint16_t code,
                                              std::string_view reason,
                                              std::string_view password,
                                              std::span<const std::uint16_t> unknown = {});

// A Binding request as a browser sends it (for tests, and for a synthetic load generator):
// USERNAME, PRIORITY, ICE-CONTROLLING tiebreaker, optional USE-CANDIDATE, MI, FINGERPRINT.
std::vector<std::uint8_t> build_binding_request(const TransactionId& tid,
                                                std::string_view username,
                                                std::string_view password,
                                                std::uint32_t priority,
                                                std::uint64_t tiebreaker,
                                                bool use_candidate);

// CRC-32 (IEEE 802.3, as zlib computes it), exposed for the FINGERPRINT tests.
std::uint32_t crc32(std::span<const std::uint8_t> data);

}  // namespace nchat::webrtc
