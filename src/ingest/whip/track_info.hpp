#pragma once
// The media::TrackInfo a WHIP publish announces to its LiveStream, from what WebRTC carries:
// H.264's parameter sets arrive in band (RFC 6184), Opus's configuration is fixed by RFC 7587.
#include <optional>
#include <span>

#include "media/track.hpp"

namespace nchat::ingest::whip {

// From an SPS and a PPS NAL unit (with their headers): avcC, size, frame rate, codec string.
// nullopt when the SPS does not parse.
std::optional<media::TrackInfo> h264_track(std::span<const std::uint8_t> sps,
                                           std::span<const std::uint8_t> pps);
// Opus at 48 kHz, stereo as SDP always says (RFC 7587 §7), 20 ms frames (browsers' default).
media::TrackInfo opus_track();

}  // namespace nchat::ingest::whip
