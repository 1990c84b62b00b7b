#pragma once
// One rung's picture from a larger one (swscale). The context is kept while the source's
// size and format stay the same, which they do except when the cascade's source changes;
// the pictures come from a pool (no page faults for fresh megabytes every frame).
#include <memory>

#include "transcode/detail/av.hpp"

extern "C" {
#include <libavutil/buffer.h>
}

namespace nchat::transcode::detail {

class Scaler {
public:
    // A new frame of w x h in `format` (pts and flags copied); nullptr on failure.
    FramePtr scale(const AVFrame* src, int w, int h, AVPixelFormat format);

private:
    struct PoolFree {
        void operator()(AVBufferPool* p) const { av_buffer_pool_uninit(&p); }
    };
    FramePtr pooled_frame(int w, int h, AVPixelFormat format);

    SwsPtr ctx_;
    // Frames handed out keep the pool alive until they are released (av_buffer_pool_uninit).
    std::unique_ptr<AVBufferPool, PoolFree> pool_;
    int pool_w_ = 0;
    int pool_h_ = 0;
    AVPixelFormat pool_format_ = AV_PIX_FMT_NONE;
    int linesize_[4] = {};
    std::size_t size_ = 0;
};

}  // namespace nchat::transcode::detail
