#pragma once
// Turns the FLV audio/video payloads of a publish into the codec-neutral model: TrackInfo from
// the sequence headers, MediaPackets in track timescales (video 90 kHz, audio its sample
// rate) with 64-bit timestamps that survive RTMP's 32-bit millisecond wrap. Pure.
#include <array>
#include <optional>
#include <string>

#include "ingest/rtmp/detail/message.hpp"
#include "media/packet.hpp"
#include "media/track.hpp"

namespace nchat::ingest::rtmp {

inline constexpr std::uint32_t kVideoTrack = 0;
inline constexpr std::uint32_t kAudioTrack = 1;

struct MappedMedia {
    // Set when a sequence header (re)defines the track: a new init segment is needed.
    std::optional<media::TrackInfo> track;
    std::optional<media::MediaPacket> packet;
    // Set when the stream uses something we cannot package (the session refuses it once,
    // clearly); the message is otherwise dropped.
    std::string unsupported;
    bool malformed = false;  // dropped and counted
};

class MediaMapper {
public:
    MappedMedia on_video(const Message& m);
    MappedMedia on_audio(const Message& m);

    const std::optional<media::TrackInfo>& video() const { return video_; }
    const std::optional<media::TrackInfo>& audio() const { return audio_; }

private:
    // RTMP timestamps are u32 milliseconds; unwrap them into a monotonic 64-bit count.
    struct Unwrapper {
        std::int64_t extend(std::uint32_t ts);
        bool started = false;
        std::uint32_t last = 0;
        std::int64_t base = 0;
    };

    std::optional<media::TrackInfo> video_;
    std::optional<media::TrackInfo> audio_;
    std::uint8_t nal_length_size_ = 4;
    std::array<Unwrapper, 2> clocks_;
};

}  // namespace nchat::ingest::rtmp
