#pragma once
// Audio made into the other codec a player needs, once per stream and shared by every viewer:
// decode, resample (swresample) into the encoder's format, cut into the encoder's frames,
// encode. Two directions:
// - Opus (WebRTC) → AAC-LC 128 kb/s for HLS. AAC sources are copied to HLS instead.
// - AAC (RTMP) → Opus 96 kb/s, 20 ms, in-band FEC, for WebRTC viewers (WHEP).
#include <cstddef>
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
inline constexpr int kOpusBitrate = 96000;

// The OpusHead (RFC 7845 §5.1) libavcodec's decoder wants, from an ISO BMFF dOps body
// (Opus-in-ISOBMFF §4.3.2) as TrackInfo carries it. Empty when `dops` is malformed.
std::vector<std::uint8_t> opus_head_from_dops(const std::vector<std::uint8_t>& dops);
// The inverse: the dOps body of an OpusHead (as libavcodec's Opus encoders write it). Empty
// when `head` is malformed.
std::vector<std::uint8_t> dops_from_opus_head(const std::uint8_t* head, std::size_t size);

class AudioTranscoder {
public:
    // `in`: AAC or Opus; `out_codec`: the other one. Null with `why` when that cannot be made.
    // AAC out: the source's rate if the encoder takes it (else 48 kHz). Opus out: 48 kHz.
    // Stereo, or mono from a mono source.
    static std::unique_ptr<AudioTranscoder> open(const media::TrackInfo& in,
                                                 media::Codec out_codec,
                                                 std::string& why);

    const media::TrackInfo& track() const { return track_; }

    // One source packet (its track's timescale); appends packets of track() (timescale = its
    // sample rate) whose pts follow the source's. False on a decoding error; the next packet
    // may be pushed after one.
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
