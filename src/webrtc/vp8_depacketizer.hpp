#pragma once
// RTP → VP8 frames (RFC 7741 §4.2-4.3). Feed it packets in order (from ReorderBuffer) with
// their gap flag.
#include <cstdint>
#include <optional>
#include <vector>

#include "webrtc/depacketized_frame.hpp"
#include "webrtc/rtp_packet.hpp"

namespace nchat::webrtc {

class Vp8Depacketizer {
public:
    // A frame when `p` carries the marker bit and closes a whole frame that started with
    // S=1, PID=0. Same loss rules as H264Depacketizer.
    std::optional<DepacketizedFrame> push(const RtpPacket& p, bool gap_before);
    bool needs_keyframe() const { return needs_keyframe_; }
    const DepacketizerCounters& counters() const { return counters_; }

private:
    std::optional<DepacketizedFrame> finish();
    void reset();

    bool in_frame_ = false;
    bool broken_ = false;
    std::uint32_t timestamp_ = 0;
    DepacketizedFrame frame_;
    bool needs_keyframe_ = true;
    DepacketizerCounters counters_;
};

}  // namespace nchat::webrtc
