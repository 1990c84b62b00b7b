#pragma once
// CMAF (ISO/IEC 23000-19) fragmented MP4: the init segment (EXT-X-MAP) and one moof+mdat per
// LL-HLS part. Pure functions; box layouts in protocols.md §3, byte-level checks in
// tests/unit/hls/cmaf_writer_test.cpp.
#include <cstdint>
#include <span>
#include <vector>

#include "media/track.hpp"

namespace nchat::hls {

// sample_flags (ISO 14496-12 §8.8.3.1): sample_depends_on=2 (sync) vs depends_on=1 plus
// sample_is_non_sync_sample=1.
inline constexpr std::uint32_t kSyncSampleFlags = 0x02000000;
inline constexpr std::uint32_t kNonSyncSampleFlags = 0x01010000;

struct FragmentSample {
    std::uint32_t duration = 0;  // in the track's timescale
    std::uint32_t flags = kSyncSampleFlags;
    std::int32_t composition_offset = 0;  // pts - dts
    // Borrowed: the caller keeps the packet alive until make_fragment returns; this is the
    // only place the bytes are copied.
    std::span<const std::uint8_t> data;
};

struct FragmentTrack {
    std::uint32_t track_id = 1;           // index in the init segment + 1
    std::uint64_t base_decode_time = 0;   // dts of the first sample (tfdt)
    std::vector<FragmentSample> samples;  // in decode order
};

// ftyp + moov for `tracks`; track i gets track_ID i+1.
std::vector<std::uint8_t> make_init_segment(const std::vector<media::TrackInfo>& tracks);

// moof (mfhd + one traf per track) + a single mdat with the tracks' samples in order.
std::vector<std::uint8_t> make_fragment(std::uint32_t sequence_number,
                                        const std::vector<FragmentTrack>& tracks);

}  // namespace nchat::hls
