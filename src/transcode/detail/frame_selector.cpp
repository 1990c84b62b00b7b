#include "transcode/detail/frame_selector.hpp"

#include <algorithm>
#include <cmath>

namespace nchat::transcode::detail {
namespace {

std::int64_t ticks(double seconds) {
    return std::llround(seconds * kVideoHz);
}

}  // namespace

IdrPlanner::IdrPlanner(double cadence_s) : cadence_(std::max<std::int64_t>(1, ticks(cadence_s))) {}

bool IdrPlanner::decide(std::int64_t pts, bool source_keyframe) {
    // Cadence: at least `cadence_` after the previous IDR, never less, so the HLS timeline
    // (which starts a segment at the first keyframe a segment target after the last) cuts at
    // every one of them.
    const bool idr = force_ || (follow_ ? source_keyframe : pts - last_idr_ >= cadence_);
    if (!idr) return false;
    force_ = false;
    last_idr_ = pts;
    return true;
}

FrameSelector::FrameSelector(double fps) : out_interval_(fps > 0 ? kVideoHz / fps : 0) {}

void FrameSelector::reset() {
    next_due_.reset();
    last_pts_.reset();
}

bool FrameSelector::keep(std::int64_t pts, bool idr) {
    if (last_pts_ && pts > *last_pts_) {
        const double d = static_cast<double>(pts - *last_pts_);
        src_interval_ = src_interval_ == 0 ? d : 0.9 * src_interval_ + 0.1 * d;
    }
    last_pts_ = pts;
    if (out_interval_ <= 0) return true;
    const auto t = static_cast<double>(pts);
    if (!next_due_) {
        next_due_ = t + out_interval_;
        return true;
    }
    // Half a source frame of tolerance: the frame nearest the due instant wins, and RTMP's
    // millisecond jitter cannot make a 30 fps rung drop frames of a 30 fps source.
    const double tol =
        std::min(src_interval_ > 0 ? src_interval_ : out_interval_, out_interval_) / 2;
    if (t + tol >= *next_due_) {
        *next_due_ += out_interval_;
        // After a gap, start again from here rather than keep every frame to catch up.
        if (*next_due_ < t - tol) next_due_ = t + out_interval_;
        return true;
    }
    if (!idr) return false;
    next_due_ = t + out_interval_;
    return true;
}

}  // namespace nchat::transcode::detail
