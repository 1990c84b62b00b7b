#pragma once
// AAC AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1).
#include <cstdint>
#include <span>
#include <string>

#include "util/result.hpp"

namespace nchat::media {

struct AacConfig {
    std::uint8_t object_type = 0;  // 2 = AAC-LC, 5 = SBR (HE-AAC), 29 = PS
    std::uint32_t sample_rate = 0;
    std::uint8_t channels = 0;
};

util::Result<AacConfig> parse_audio_specific_config(std::span<const std::uint8_t> asc);
// RFC 6381 "mp4a.40.<object type>".
std::string aac_codec_string(const AacConfig& c);

}  // namespace nchat::media
