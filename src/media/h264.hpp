#pragma once
// H.264 bitstream helpers (ISO/IEC 14496-10 and -15): the avcC record, SPS fields the
// playlists and init segments need, Annex B ⇄ AVCC.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace nchat::media {

struct Sps {
    std::uint8_t profile_idc = 0;
    std::uint8_t constraint_flags = 0;
    std::uint8_t level_idc = 0;
    std::uint32_t width = 0;  // after cropping
    std::uint32_t height = 0;
    double frame_rate = 0;  // from VUI timing, 0 when absent
};

struct AvcConfig {
    std::uint8_t nal_length_size = 4;
    std::vector<std::vector<std::uint8_t>> sps;
    std::vector<std::vector<std::uint8_t>> pps;
};

// AVCDecoderConfigurationRecord (14496-15 §5.3.3.1). std::errc::invalid_argument on anything
// short or inconsistent.
util::Result<AvcConfig> parse_avcc(std::span<const std::uint8_t> avcc);
// An SPS NAL unit (with its 1-byte header), emulation prevention removed internally.
util::Result<Sps> parse_sps(std::span<const std::uint8_t> nal);
// RFC 6381 "avc1.PPCCLL" from an SPS.
std::string avc_codec_string(const Sps& sps);

// Length-prefixed NAL units (AVCC) with `length_size` bytes → 4-byte lengths (what CMAF and
// our packets use). Fails on a length that runs past the end.
util::Result<std::vector<std::uint8_t>> avcc_to_avcc4(std::span<const std::uint8_t> in,
                                                      std::uint8_t length_size);
// True if an AVCC4 access unit holds an IDR slice (nal_unit_type 5).
bool has_idr(std::span<const std::uint8_t> avcc4);

}  // namespace nchat::media
