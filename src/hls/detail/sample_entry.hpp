#pragma once
// The stsd entry of one track: avc1+avcC, mp4a+esds or Opus+dOps (protocols.md §3).
#include "hls/detail/boxes.hpp"
#include "media/track.hpp"

namespace nchat::hls::detail {

void write_sample_entry(Bytes& out, const media::TrackInfo& track);

// MPEG-4 descriptor length (14496-1 §8.3.3): 7 bits per byte, high bit = more follow.
void write_descriptor_length(util::ByteWriter& w, std::uint32_t length);

}  // namespace nchat::hls::detail
