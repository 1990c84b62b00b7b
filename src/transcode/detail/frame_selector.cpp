#include "transcode/detail/frame_selector.hpp"

#include <algorithm>
#include <cmath>

namespace nchat::transcode::detail {
namespace {

std::int64_t ticks(double seconds) {
    return std::llround(seconds * kVideoHz);
}

}  // namespace

IdrPlanner::IdrPlanner(double interval_s, double max_s, double fallback_s)
    : interval_(ticks(interval_s)), max_(ticks(max_s)), fallback_(ticks(fallback_s)) {}

bool IdrPlanner::decide(std::int64_t pts, bool source_keyframe) {
    bool idr = force_;
    if (interval_ > 0) {
        idr = idr || pts >= next_cadence_;
    } else {
        if (source_keyframe) last_source_key_ = pts;
        idr = idr || source_keyframe ||
              (max_ > 0 && fallback_ > 0 && pts - last_source_key_ >= max_ &&
               pts - last_idr_ >= fallback_);
    }
    if (!idr) return false;
    if (force_ && interval_ <= 0) last_source_key_ = pts;
    force_ = false;
    last_idr_ = pts;
    if (interval_ > 0) {
        // Multiples of the interval on the pts axis, so a rung reopened mid-stream lands on
        // the same instants as the others.
        const auto k = pts >= 0 ? pts / interval_ : (pts - interval_ + 1) / interval_;
        next_cadence_ = (k + 1) * interval_;
    }
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
