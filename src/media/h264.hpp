#pragma once
// H.264 bitstream helpers (ISO/IEC 14496-10 and -15): the avcC record, SPS fields the
// playlists and init segments need, Annex B ⇄ AVCC.
#include <cstddef>
#include <cstdint>
#include <optional>
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
// The profiles whose SPS carries chroma format and bit depths (§7.3.2.1.1) and whose avcC
// record has the §5.3.3.1.2 extension: High and above.
bool is_high_profile(std::uint8_t profile_idc);
// RFC 6381 "avc1.PPCCLL" from an SPS.
std::string avc_codec_string(const Sps& sps);

// Length-prefixed NAL units (AVCC) with `length_size` bytes → 4-byte lengths (what CMAF and
// our packets use). Fails on a length that runs past the end.
util::Result<std::vector<std::uint8_t>> avcc_to_avcc4(std::span<const std::uint8_t> in,
                                                      std::uint8_t length_size);
// Calls `f(nal)` for each NAL unit of an AVCC4 access unit (4-byte lengths), in order, until
// it returns false. False when a length runs past the end (the units before it were visited).
template <class F>
bool for_each_nal(std::span<const std::uint8_t> avcc4, F&& f) {
    while (!avcc4.empty()) {
        if (avcc4.size() < 4) return false;
        const std::size_t len = (std::size_t{avcc4[0]} << 24) | (std::size_t{avcc4[1]} << 16) |
                                (std::size_t{avcc4[2]} << 8) | std::size_t{avcc4[3]};
        if (len > avcc4.size() - 4) return false;
        if (!f(avcc4.subspan(4, len))) return true;
        avcc4 = avcc4.subspan(4 + len);
    }
    return true;
}

// True if an AVCC4 access unit holds an IDR slice (nal_unit_type 5).
bool has_idr(std::span<const std::uint8_t> avcc4);

// x264 writes its settings as text into an SEI of the first access unit (user data
// unregistered, §D.1.6, under x264's own UUID): "... keyint=250 keyint_min=25 ...". OBS's and
// FFmpeg's x264 send it, so the source's longest keyframe interval is known from its first
// frame. Frames; 0 for "keyint=infinite"; nullopt when the access unit has no such SEI or it
// does not parse.
std::optional<int> x264_keyint(std::span<const std::uint8_t> avcc4);

}  // namespace nchat::media
