#pragma once
// What a depacketizer hands on: one whole frame (access unit) under one RTP timestamp.
#include <cstdint>
#include <vector>

namespace nchat::webrtc {

struct DepacketizedFrame {
    // H.264: AVCC with 4-byte lengths (what media::MediaPacket carries). VP8: the frame as
    // the encoder wrote it. Opus: one Opus packet.
    std::vector<std::uint8_t> data;
    std::uint32_t rtp_timestamp = 0;
    bool keyframe = false;                // H.264 IDR, VP8 P=0; every Opus frame
    std::uint32_t width = 0, height = 0;  // VP8 keyframes only
};

// Why frames did not come out, per depacketizer (all of them are counted, none logged).
struct DepacketizerCounters {
    std::uint64_t frames = 0;
    std::uint64_t dropped_incomplete = 0;     // a seq gap, a missing start or end, a size limit
    std::uint64_t dropped_need_keyframe = 0;  // whole but undecodable until the next keyframe
    std::uint64_t malformed = 0;              // a payload that breaks its RFC
    std::uint64_t unsupported = 0;            // H.264 STAP-B/MTAP/FU-B, undefined NAL types
};

}  // namespace nchat::webrtc
