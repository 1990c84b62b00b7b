#pragma once
// Audio that HLS players cannot take as it comes (Opus from WebRTC) made into AAC-LC 128 kb/s,
// once per stream: decode, resample (swresample) into the AAC encoder's format, cut into
// 1024-sample frames, encode. AAC sources never come here: their packets are copied.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "media/packet.hpp"
#include "media/track.hpp"
#include "transcode/detail/av.hpp"

namespace nchat::transcode::detail {

inline constexpr int kAacBitrate = 128000;

// The OpusHead (RFC 7845 §5.1) libavcodec's decoder wants, from an ISO BMFF dOps body
// (Opus-in-ISOBMFF §4.3.2) as TrackInfo carries it. Empty when `dops` is malformed.
std::vector<std::uint8_t> opus_head_from_dops(const std::vector<std::uint8_t>& dops);

class AudioTranscoder {
public:
    static std::unique_ptr<AudioTranscoder> open(const media::TrackInfo& in, std::string& why);

    const media::TrackInfo& track() const { return track_; }

    // One source packet (its track's timescale); appends AAC packets (timescale = the AAC
    // sample rate) whose pts follow the source's. False on a decoding error.
    bool push(const media::MediaPacket& p, std::vector<media::MediaPacket>& out);
    // End of stream: what the resampler and encoder still hold. (A publisher reconnect opens
    // a new transcoder instead: the old one's partial frame belongs to the old timeline.)
    void drain(std::vector<media::MediaPacket>& out);

private:
    bool convert(const AVFrame* in);
    bool encode_fifo(bool final, std::vector<media::MediaPacket>& out);
    bool receive_packets(std::vector<media::MediaPacket>& out);

    CodecContextPtr dec_;
    CodecContextPtr enc_;
    SwrPtr swr_;
    AudioFifoPtr fifo_;
    PacketPtr pkt_;
    FramePtr in_frame_;
    media::TrackInfo track_;
    std::uint32_t in_timescale_ = 48000;
    // Output clock: the pts (output rate) of the next sample into the fifo.
    std::optional<std::int64_t> next_pts_;
};

}  // namespace nchat::transcode::detail
