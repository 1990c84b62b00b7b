#pragma once
// RTP → H.264 access units (RFC 6184, packetization-mode 1: single NAL, STAP-A, FU-A).
// Feed it packets in order (from ReorderBuffer) with their gap flag.
#include <cstdint>
#include <optional>
#include <vector>

#include "webrtc/depacketized_frame.hpp"
#include "webrtc/rtp_packet.hpp"

namespace nchat::webrtc {

class H264Depacketizer {
public:
    // A frame when `p` carries the marker bit and closes a whole, decodable access unit.
    // Drops (and counts) an access unit with a gap in it, and every non-IDR one while
    // needs_keyframe().
    std::optional<DepacketizedFrame> push(const RtpPacket& p, bool gap_before);

    // True from the start and after any loss until an IDR comes out (the caller sends PLI).
    bool needs_keyframe() const { return needs_keyframe_; }
    // The latest SPS and PPS seen in band (NAL header included), for the avcC record.
    const std::vector<std::uint8_t>& sps() const { return sps_; }
    const std::vector<std::uint8_t>& pps() const { return pps_; }
    const DepacketizerCounters& counters() const { return counters_; }

private:
    void add_nal(std::span<const std::uint8_t> nal);
    void handle_fu_a(std::span<const std::uint8_t> payload);
    void handle_stap_a(std::span<const std::uint8_t> payload);
    std::optional<DepacketizedFrame> finish();
    void reset();

    // The access unit being assembled.
    bool in_au_ = false;
    bool broken_ = false;
    bool has_idr_ = false;
    bool has_slice_ = false;
    std::uint32_t timestamp_ = 0;
    std::size_t nal_count_ = 0;
    std::vector<std::uint8_t> au_;  // AVCC4
    std::vector<std::uint8_t> fu_;  // the FU-A NAL in progress, header rebuilt; empty if none
    bool in_fu_ = false;

    bool needs_keyframe_ = true;
    std::vector<std::uint8_t> sps_, pps_;
    DepacketizerCounters counters_;
};

}  // namespace nchat::webrtc
