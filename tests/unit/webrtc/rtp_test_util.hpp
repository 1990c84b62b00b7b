#pragma once
// RTP packets for the webrtc tests, built through write_rtp/parse_rtp like real ones.
#include <cstdint>
#include <vector>

#include "webrtc/rtp_packet.hpp"

namespace nchat::webrtc::test {

inline RtpPacket make_packet(std::uint16_t seq,
                             std::uint32_t ts,
                             bool marker,
                             const std::vector<std::uint8_t>& payload,
                             std::uint32_t ssrc = 1234) {
    const RtpHeaderFields h{marker, 96, seq, ts, ssrc};
    auto p = parse_rtp(write_rtp(h, {}, payload));
    return std::move(p).value();
}

// AVCC with 4-byte lengths from NAL units.
inline std::vector<std::uint8_t> avcc4(const std::vector<std::vector<std::uint8_t>>& nals) {
    std::vector<std::uint8_t> out;
    for (const auto& n : nals) {
        const auto len = static_cast<std::uint32_t>(n.size());
        out.insert(out.end(), {std::uint8_t(len >> 24), std::uint8_t(len >> 16),
                               std::uint8_t(len >> 8), std::uint8_t(len)});
        out.insert(out.end(), n.begin(), n.end());
    }
    return out;
}

// A NAL unit: header byte then `size - 1` bytes counting up from `seed`.
inline std::vector<std::uint8_t> nal(std::uint8_t header, std::size_t size, std::uint8_t seed = 0) {
    std::vector<std::uint8_t> n(size);
    n[0] = header;
    for (std::size_t i = 1; i < size; ++i)
        n[i] = static_cast<std::uint8_t>(seed + i);
    return n;
}

}  // namespace nchat::webrtc::test
