#include "webrtc/opus_depacketizer.hpp"

namespace nchat::webrtc {

std::optional<DepacketizedFrame> OpusDepacketizer::push(const RtpPacket& p, bool gap_before) {
    if (gap_before) ++counters_.dropped_incomplete;  // one or more packets are gone for good
    const auto payload = p.payload();
    if (payload.empty()) return std::nullopt;
    ++counters_.frames;
    DepacketizedFrame f;
    f.data.assign(payload.begin(), payload.end());
    f.rtp_timestamp = p.timestamp;
    f.keyframe = true;
    return f;
}

}  // namespace nchat::webrtc
