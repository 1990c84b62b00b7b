#pragma once
// RAII for the FFmpeg handles the transcoder holds (STYLE.md, Ownership): each C handle is a
// unique_ptr with its free function, acquired where it is created.
#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

namespace nchat::transcode::detail {

struct CodecContextFree {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFree {
    void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct SwrFree {
    void operator()(SwrContext* s) const { swr_free(&s); }
};
struct AudioFifoFree {
    void operator()(AVAudioFifo* f) const { av_audio_fifo_free(f); }
};

using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextFree>;
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;
using SwsPtr = std::unique_ptr<SwsContext, SwsFree>;
using SwrPtr = std::unique_ptr<SwrContext, SwrFree>;
using AudioFifoPtr = std::unique_ptr<AVAudioFifo, AudioFifoFree>;

inline FramePtr make_frame() {
    return FramePtr(av_frame_alloc());
}
inline PacketPtr make_packet() {
    return PacketPtr(av_packet_alloc());
}

// A new reference to the same picture (no copy of the pixels).
inline FramePtr ref_frame(const AVFrame* f) {
    FramePtr r = make_frame();
    if (r && av_frame_ref(r.get(), f) < 0) r.reset();
    return r;
}

// "Invalid data found when processing input" for an AVERROR code.
std::string av_error(int code);

// Copies `extradata` into a codec context (padded as libavcodec requires). False on OOM.
bool set_extradata(AVCodecContext* c, const void* data, std::size_t size);

}  // namespace nchat::transcode::detail
