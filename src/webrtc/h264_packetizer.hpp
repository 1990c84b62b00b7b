#pragma once
// H.264 access units → RTP payloads (RFC 6184, packetization-mode 1), for WHEP.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "webrtc/payload.hpp"

namespace nchat::webrtc {

// `avcc4_access_unit`: AVCC with 4-byte lengths (media::MediaPacket::data). On keyframes with
// a non-empty `sps` and `pps`, they go first in one STAP-A (if it fits; else alone) and the
// access unit's own parameter sets are skipped; AUDs are always skipped. A NAL unit that fits
// in `max_payload` goes alone, a larger one in FU-A fragments. The marker is on the last
// payload. Empty when the access unit holds nothing to send or its lengths run past its end.
std::vector<Payload> packetize_h264(std::span<const std::uint8_t> avcc4_access_unit,
                                    std::span<const std::uint8_t> sps,
                                    std::span<const std::uint8_t> pps,
                                    bool keyframe,
                                    std::size_t max_payload);

}  // namespace nchat::webrtc
