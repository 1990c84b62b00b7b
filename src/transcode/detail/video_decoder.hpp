#pragma once
// The one H.264 decode per stream (libavcodec's h264 decoder, single-threaded: the rungs'
// encoders already take the other cores).
#include <memory>
#include <string>
#include <vector>

#include "media/packet.hpp"
#include "media/track.hpp"
#include "transcode/detail/av.hpp"

namespace nchat::transcode::detail {

class VideoDecoder {
public:
    // nullptr and `why` set when the track cannot be decoded.
    static std::unique_ptr<VideoDecoder> open(const media::TrackInfo& track, std::string& why);

    // One AVCC4 access unit (pts/dts in 90 kHz); appends the frames it completes, in
    // presentation order, with pts in 90 kHz. False on a decoding error (counted by caller).
    bool decode(const media::MediaPacket& p, std::vector<FramePtr>& out);
    // End of stream: the frames still held for reordering.
    void drain(std::vector<FramePtr>& out);
    // Forget everything (after a gap or a discontinuity): the next packet must be a keyframe.
    void flush();

private:
    bool receive(std::vector<FramePtr>& out);

    CodecContextPtr ctx_;
    PacketPtr pkt_;
};

}  // namespace nchat::transcode::detail
