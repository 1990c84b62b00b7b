#include "transcode/detail/scaler.hpp"

namespace nchat::transcode::detail {

// docs/transcode.md, "Scaling": bicubic, as ffmpeg's scale filter, so our PSNR is compared
// like for like.
constexpr int kScaleFlags = SWS_BICUBIC;

FramePtr Scaler::scale(const AVFrame* src, int w, int h, AVPixelFormat format) {
    auto* c = sws_getCachedContext(ctx_.release(), src->width, src->height,
                                   static_cast<AVPixelFormat>(src->format), w, h, format,
                                   kScaleFlags, nullptr, nullptr, nullptr);
    ctx_.reset(c);
    if (!c) return nullptr;
    FramePtr dst = make_frame();
    if (!dst) return nullptr;
    dst->width = w;
    dst->height = h;
    dst->format = format;
    if (av_frame_get_buffer(dst.get(), 0) < 0) return nullptr;
    if (sws_scale(c, src->data, src->linesize, 0, src->height, dst->data, dst->linesize) != h) {
        return nullptr;
    }
    av_frame_copy_props(dst.get(), src);
    dst->color_range = AVCOL_RANGE_MPEG;  // swscale converts full-range (yuvj) sources
    return dst;
}

}  // namespace nchat::transcode::detail
