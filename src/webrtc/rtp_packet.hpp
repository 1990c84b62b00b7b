#pragma once
// RTP packets (RFC 3550 §5.1) with header extensions (RFC 8285): parsing one decrypted
// datagram, extended sequence numbers, and writing packets for WHEP.
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "util/result.hpp"
#include "webrtc/rtp_error.hpp"

namespace nchat::webrtc {

// One packet; owns its bytes. Offsets index `bytes` (kMaxRtpPacket keeps them in a u16).
struct RtpPacket {
    std::vector<std::uint8_t> bytes;
    bool marker = false;
    std::uint8_t payload_type = 0;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    std::uint16_t payload_offset = 0;
    std::uint16_t payload_size = 0;  // padding removed
    // The extension elements (after the 4-byte 0xBEDE/0x100x header); size 0 when absent or
    // of a profile RFC 8285 does not define.
    std::uint16_t extension_offset = 0;
    std::uint16_t extension_size = 0;
    bool two_byte_extensions = false;

    std::span<const std::uint8_t> payload() const {
        return std::span<const std::uint8_t>(bytes).subspan(payload_offset, payload_size);
    }
    // The element with this ID (1..14 one-byte, 1..255 two-byte); nullopt when absent or when
    // the elements before it are malformed.
    std::optional<std::span<const std::uint8_t>> extension(std::uint8_t id) const;
};

// truncated, bad_version, malformed (padding longer than the payload, pad count 0),
// too_large (over kMaxRtpPacket).
util::Result<RtpPacket> parse_rtp(std::vector<std::uint8_t> datagram);

// RFC 4588 §4: a retransmission on the RTX stream → the original packet (its sequence number
// from the 2-byte OSN, the media stream's payload type and SSRC; marker, timestamp and
// extensions kept). truncated when the payload has no OSN (Chrome's padding-only probes).
util::Result<RtpPacket> unwrap_rtx(const RtpPacket& rtx,
                                   std::uint8_t media_payload_type,
                                   std::uint32_t media_ssrc);

// RFC 5761 §4: with rtcp-mux, RTCP's packet types 192..223 occupy the second byte where RTP
// has M|PT, and those RTP payload types are never used.
bool looks_like_rtcp(std::span<const std::uint8_t> d);

// RFC 3550 A.1: 16-bit sequence numbers → a monotonic 64-bit count. A seq is ahead when
// (seq - highest) mod 2^16 < 2^15, else behind (reordered, or from before a wrap).
class SequenceUnwrapper {
public:
    std::int64_t unwrap(std::uint16_t seq);
    // Forget the history: the next seq unwraps to itself (a sender reset).
    void reset() { started_ = false; }

private:
    bool started_ = false;
    std::int64_t highest_ = 0;
};

struct RtpHeaderFields {
    bool marker = false;
    std::uint8_t payload_type = 0;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
};

using RtpExtension = std::pair<std::uint8_t, std::span<const std::uint8_t>>;

// Header, one-byte (0xBEDE) extensions, payload. Each extension needs ID 1..14 and 1..16
// bytes (RFC 8285 §4.2); callers pass IDs from the negotiated extmap, so others are a bug.
std::vector<std::uint8_t> write_rtp(const RtpHeaderFields& h,
                                    std::span<const RtpExtension> extensions,
                                    std::span<const std::uint8_t> payload);

}  // namespace nchat::webrtc
