#pragma once
// FLV tag bodies as RTMP audio/video messages carry them (FLV 10.1 Annex E; Enhanced RTMP v2
// for the ex-header form). Pure; the spans point into the message payload.
#include <cstdint>
#include <span>

#include "util/result.hpp"

namespace nchat::ingest::rtmp {

enum class VideoCodec : std::uint8_t { avc, hevc, av1, vp9, other };
enum class PacketKind : std::uint8_t { config, frame, end_of_sequence, other };

struct VideoTag {
    VideoCodec codec = VideoCodec::other;
    std::uint32_t fourcc = 0;  // the E-RTMP FourCC, or 0 for the legacy header
    std::uint8_t legacy_codec_id = 0;
    PacketKind kind = PacketKind::other;
    bool keyframe = false;
    std::int32_t composition_time = 0;   // ms, signed (PTS = DTS + CTS)
    std::span<const std::uint8_t> data;  // config record or length-prefixed NAL units
};

enum class AudioCodec : std::uint8_t { aac, opus, other };

struct AudioTag {
    AudioCodec codec = AudioCodec::other;
    std::uint8_t sound_format = 0;  // legacy SoundFormat (10 = AAC), 9 for an ex-header
    PacketKind kind = PacketKind::other;
    std::span<const std::uint8_t> data;  // AudioSpecificConfig or a raw frame
};

util::Result<VideoTag> parse_video_tag(std::span<const std::uint8_t> body);
util::Result<AudioTag> parse_audio_tag(std::span<const std::uint8_t> body);

}  // namespace nchat::ingest::rtmp
