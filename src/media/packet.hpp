#pragma once
// One access unit on its way through the server (DESIGN.md, the path of one frame).
#include <cstdint>
#include <memory>
#include <vector>

namespace nchat::media {

struct MediaPacket {
    std::uint32_t track = 0;  // index into the stream's tracks
    std::int64_t dts = 0;     // in the track's timescale
    std::int64_t pts = 0;     // pts >= dts
    bool keyframe = false;    // an IDR for video; every audio frame is a sync sample
    // AVCC (length-prefixed NAL units, 4-byte lengths) for H.264; raw frames for AAC/Opus.
    // Shared and immutable: the same bytes go to every consumer without a copy.
    std::shared_ptr<const std::vector<std::uint8_t>> data;
};

}  // namespace nchat::media
