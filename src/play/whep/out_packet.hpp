#pragma once
// One RTP packet of a WHEP feed as every viewer gets it (before SRTP): immutable bytes shared
// by all of them.
#include <cstdint>
#include <memory>
#include <vector>

namespace nchat::play::whep {

struct OutPacket {
    std::shared_ptr<const std::vector<std::uint8_t>> rtp;
    bool video = false;
    bool starts_keyframe = false;  // the first packet of an IDR access unit
    std::uint32_t rtp_timestamp = 0;
};

}  // namespace nchat::play::whep
