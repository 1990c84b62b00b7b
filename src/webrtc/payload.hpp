#pragma once
// One RTP payload a packetizer made; the session adds the header (write_rtp).
#include <cstdint>
#include <vector>

namespace nchat::webrtc {

struct Payload {
    std::vector<std::uint8_t> bytes;
    bool marker = false;  // the last payload of the frame
};

}  // namespace nchat::webrtc
