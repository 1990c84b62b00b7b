#pragma once
// One rung's H.264 encoder (libx264 through libavcodec by default). Global headers, so the
// SPS/PPS come once as extradata and become the output track's avcC; packets leave as AVCC
// with 4-byte lengths and pts/dts on the source's 90 kHz timeline.
#include <memory>
#include <string>
#include <vector>

#include "media/packet.hpp"
#include "media/track.hpp"
#include "transcode/detail/av.hpp"

namespace nchat::transcode::detail {

struct EncoderSettings {
    std::string encoder = "libx264";
    std::string preset;
    std::string tune;
    std::string profile;
    std::string x264_params;
    int threads = 1;
    int width = 0;
    int height = 0;
    int kbps = 0;
    double fps = 30;

    bool operator==(const EncoderSettings&) const = default;
};

// The options we give x264 before the user's x264_params (docs/transcode.md explains each).
inline constexpr const char* kX264Defaults = "bframes=0:rc-lookahead=0:scenecut=0:keyint=infinite";

// The pixel format `encoder` takes from software frames: yuv420p, else nv12; AV_PIX_FMT_NONE
// when it takes hardware frames only (h264_vaapi) or does not exist.
AVPixelFormat encoder_pixel_format(const std::string& encoder);

class VideoEncoder {
public:
    static std::unique_ptr<VideoEncoder> open(const EncoderSettings& s, std::string& why);

    // The output video track: avcC from the encoder, codec string from its SPS.
    const media::TrackInfo& track() const { return track_; }

    // `frame` (pts in 90 kHz; pict_type I forces an IDR), or nullptr to drain at the end.
    // Appends finished packets. False on an encoder error.
    bool encode(const AVFrame* frame, std::vector<media::MediaPacket>& out);

private:
    CodecContextPtr ctx_;
    PacketPtr pkt_;
    media::TrackInfo track_;
};

}  // namespace nchat::transcode::detail
