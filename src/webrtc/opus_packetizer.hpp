#pragma once
// Opus packets → RTP payloads (RFC 7587 §4.2): one packet per payload, as is.
#include <cstdint>
#include <span>

#include "webrtc/payload.hpp"

namespace nchat::webrtc {

// The marker stays clear: RFC 7587 §4.1 leaves it to mark the first packet after DTX, and
// our frames come from a continuous encoder or ingest.
inline Payload packetize_opus(std::span<const std::uint8_t> opus_packet) {
    return {{opus_packet.begin(), opus_packet.end()}, false};
}

}  // namespace nchat::webrtc
