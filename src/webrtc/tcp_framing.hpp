#pragma once
// RFC 4571 framing, as ICE-TCP (RFC 6544 §3) uses it: each STUN message, DTLS record or SRTP
// packet travels on the TCP stream after a 16-bit big-endian length. Pure functions over
// util::ByteReader (STYLE.md, Parsers of untrusted bytes): no I/O, no allocation on read.
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>
#include <vector>

#include "util/byte_reader.hpp"
#include "util/result.hpp"

namespace nchat::webrtc {

enum class TcpFramingError {
    need_more = 1,  // the length or the payload has not all arrived: read more, then call again
    too_large,      // the length says more than the caller's limit: not ICE-TCP, close
};

const std::error_category& tcp_framing_category();
inline std::error_code make_error_code(TcpFramingError e) {
    return {static_cast<int>(e), tcp_framing_category()};
}

}  // namespace nchat::webrtc

template <>
struct std::is_error_code_enum<nchat::webrtc::TcpFramingError> : std::true_type {};

namespace nchat::webrtc {

// The next frame's payload (a view into `in`'s bytes), consuming its length and payload.
// need_more if `in` is short, consuming nothing and never reading past it; too_large when the
// length exceeds `max_payload`, decided from the two length bytes alone (so a peer cannot make
// us wait for, or buffer, a frame we would refuse). A zero length is a valid, empty frame.
util::Result<std::span<const std::uint8_t>> read_rfc4571_frame(util::ByteReader& in,
                                                               std::size_t max_payload);

// Appends the 2-byte length and `payload` to `out`. `payload` is at most 65535 bytes (asserted:
// our own packets are bounded far below it by limits.hpp).
void append_rfc4571_frame(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> payload);

}  // namespace nchat::webrtc
