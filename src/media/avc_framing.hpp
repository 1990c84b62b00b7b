#pragma once
// The H.264 framings the encoders, the decoders and the ingest disagree on: libavcodec's
// encoders give Annex B (start codes) with the SPS/PPS in extradata; our packets are AVCC with
// 4-byte lengths and the parameter sets travel in an avcC record (ISO/IEC 14496-15 §5.3.3.1).
// NAL units of AVCC are walked by h264.hpp's for_each_nal; Annex B ones by split_annex_b.
#include <cstdint>
#include <span>
#include <vector>

#include "util/result.hpp"

namespace nchat::media {

// The NAL units of an Annex B stream (start codes and trailing zero bytes removed).
std::vector<std::span<const std::uint8_t>> split_annex_b(std::span<const std::uint8_t> in);
// Annex B access unit → 4-byte-length AVCC, dropping parameter sets and AUDs (they live in
// avcC) but keeping SEI and slices.
std::vector<std::uint8_t> annex_b_to_avcc4(std::span<const std::uint8_t> in);
// An avcC record from encoder extradata: returned as is when it already is one (first byte
// 1), else built from the Annex B SPS/PPS it holds. invalid_argument without an SPS and PPS.
util::Result<std::vector<std::uint8_t>> make_avcc(std::span<const std::uint8_t> extradata);
// The same avcC saying 4-byte NAL lengths: the ingest rewrote every packet to 4-byte lengths
// (avcc_to_avcc4), so a decoder must be told so whatever the publisher used.
std::vector<std::uint8_t> avcc_with_length4(std::span<const std::uint8_t> avcc);
// True when no slice of the AVCC4 access unit is used for reference (nal_ref_idc 0, §7.4.1):
// dropping it breaks no other frame.
bool is_disposable(std::span<const std::uint8_t> avcc4);

}  // namespace nchat::media
