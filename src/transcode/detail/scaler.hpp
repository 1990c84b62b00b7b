#pragma once
// One rung's picture from a larger one (swscale). The context is kept while the source's
// size and format stay the same, which they do except when the cascade's source changes.
#include "transcode/detail/av.hpp"

namespace nchat::transcode::detail {

class Scaler {
public:
    // A new frame of w x h in `format` (pts and flags copied); nullptr on failure.
    FramePtr scale(const AVFrame* src, int w, int h, AVPixelFormat format);

private:
    SwsPtr ctx_;
};

}  // namespace nchat::transcode::detail
