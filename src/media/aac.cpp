#include "media/aac.hpp"

#include "media/detail/bit_reader.hpp"

namespace nchat::media {

util::Result<AacConfig> parse_audio_specific_config(std::span<const std::uint8_t> asc) {
    static constexpr std::uint32_t kRates[] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                               22050, 16000, 12000, 11025, 8000,  7350};
    const auto invalid = std::make_error_code(std::errc::invalid_argument);
    detail::BitReader br(asc);
    AacConfig c;
    c.object_type = static_cast<std::uint8_t>(br.bits(5));
    if (c.object_type == 31) c.object_type = static_cast<std::uint8_t>(32 + br.bits(6));
    auto freq_index = br.bits(4);
    if (freq_index == 15) {
        c.sample_rate = br.bits(24);
    } else if (freq_index < 13) {
        c.sample_rate = kRates[freq_index];
    } else {
        return invalid;
    }
    c.channels = static_cast<std::uint8_t>(br.bits(4));
    if (br.failed() || c.object_type == 0 || c.sample_rate == 0) return invalid;
    return c;
}

std::string aac_codec_string(const AacConfig& c) {
    return "mp4a.40." + std::to_string(c.object_type);
}

}  // namespace nchat::media
