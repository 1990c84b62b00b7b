#pragma once
// RTP → Opus packets (RFC 7587 §4.2: one Opus packet per RTP payload, 48 kHz clock).
#include <optional>

#include "webrtc/depacketized_frame.hpp"
#include "webrtc/rtp_packet.hpp"

namespace nchat::webrtc {

class OpusDepacketizer {
public:
    // Every non-empty payload is a frame; a gap needs no recovery (each packet decodes alone,
    // the decoder conceals the loss). Empty payloads (DTX keep-alives, probes) are dropped.
    std::optional<DepacketizedFrame> push(const RtpPacket& p, bool gap_before);
    const DepacketizerCounters& counters() const { return counters_; }

private:
    DepacketizerCounters counters_;
};

}  // namespace nchat::webrtc
