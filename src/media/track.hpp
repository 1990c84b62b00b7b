#pragma once
// The codec-neutral description of one elementary stream (DESIGN.md: media/).
#include <cstdint>
#include <string>
#include <vector>

namespace nchat::media {

enum class Codec : std::uint8_t { h264, aac, opus };
enum class TrackKind : std::uint8_t { video, audio };

struct TrackInfo {
    TrackKind kind = TrackKind::video;
    Codec codec = Codec::h264;
    // Timescale of the packets' dts/pts: 90000 for video, the sample rate for audio
    // (48000 for Opus).
    std::uint32_t timescale = 90000;
    // avcC (AVCDecoderConfigurationRecord) for H.264, AudioSpecificConfig for AAC, the dOps
    // body for Opus.
    std::vector<std::uint8_t> extradata;
    // Video.
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    double frame_rate = 0;  // 0 = unknown
    // Audio.
    std::uint32_t sample_rate = 0;
    std::uint32_t channels = 0;
    std::uint32_t samples_per_frame = 0;  // 1024 for AAC-LC, 960 for Opus 20 ms
    // RFC 6381 codecs parameter: "avc1.64001f", "mp4a.40.2", "opus".
    std::string codec_string;
    std::uint32_t bitrate = 0;  // bits/s, from metadata or measured; 0 = unknown
};

}  // namespace nchat::media
