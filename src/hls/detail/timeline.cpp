#include "hls/detail/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace nchat::hls {
namespace {

// Frame times of two renditions of one source agree exactly (the transcoder keeps the source's
// timestamps); this only absorbs rounding between timescales.
constexpr std::int64_t kSameFrameUs = 2000;
// Enough for the slowest rendition to catch up with the fastest: minutes of 2 s segments.
constexpr std::size_t kMaxBoundaries = 256;
constexpr std::size_t kMaxEpochs = 8;

}  // namespace

Timeline::Timeline(std::chrono::milliseconds segment_target, std::chrono::milliseconds max_segment)
    : target_us_(std::chrono::duration_cast<std::chrono::microseconds>(segment_target).count()),
      max_us_(std::chrono::duration_cast<std::chrono::microseconds>(max_segment).count()) {}

void Timeline::announce_keyframe_interval(std::int64_t max_gop_us) {
    if (max_gop_us <= 0 || max_gop_us_ != 0) return;
    max_gop_us_ = max_gop_us;
    const double longest = static_cast<double>(std::max(target_us_, max_gop_us_)) / 1e6;
    announced_td_ = static_cast<std::uint32_t>(std::max<long>(1, std::lround(longest)));
}

bool Timeline::early_cut(std::int64_t since_us) const {
    // The segment may last up to TARGETDURATION + 0.5 s (EXTINF rounds to it); a keyframe
    // that leaves less room than one more GOP is the last safe place to cut.
    const std::int64_t limit = (static_cast<std::int64_t>(announced_td_) * 1000 + 499) * 1000;
    return max_gop_us_ > 0 && since_us + max_gop_us_ > limit;
}

std::optional<std::uint64_t> Timeline::segment_start(std::int64_t t_us,
                                                     bool sync,
                                                     std::optional<std::int64_t> open_start_us,
                                                     bool must_start) {
    // The newest boundary decided at or before this frame.
    const Boundary* before = nullptr;
    for (auto it = boundaries_.rbegin(); it != boundaries_.rend(); ++it) {
        if (it->t_us <= t_us + kSameFrameUs) {
            before = &*it;
            break;
        }
    }
    const bool at_boundary = before && std::llabs(before->t_us - t_us) <= kSameFrameUs;
    const bool newest = boundaries_.empty() || t_us > boundaries_.back().t_us + kSameFrameUs;

    if (!open_start_us) {
        if (!sync) return std::nullopt;
        if (at_boundary) return before->msn;
        // The leader opens the first segment, or the one after a discontinuity.
        const std::int64_t since = boundaries_.empty() ? 0 : t_us - boundaries_.back().t_us;
        if (newest &&
            (boundaries_.empty() || must_start || since >= target_us_ || early_cut(since))) {
            const std::uint64_t msn = boundaries_.empty() ? 0 : boundaries_.back().msn + 1;
            boundaries_.push_back({t_us, msn});
            if (boundaries_.size() > kMaxBoundaries) boundaries_.pop_front();
            return msn;
        }
        // A rendition that joins late waits for the next boundary: its segments then line up.
        return std::nullopt;
    }

    const std::int64_t open = *open_start_us;
    const bool too_long = t_us - open >= max_us_;
    // Another rendition already cut after our segment's start: cut here too (at that exact frame
    // when we have it; at our next keyframe when we missed it, e.g. a shed rendition).
    if (before && before->t_us > open + kSameFrameUs && (sync || too_long)) return before->msn;
    if (!newest) return std::nullopt;
    const std::int64_t since = t_us - (boundaries_.empty() ? open : boundaries_.back().t_us);
    if ((sync && (since >= target_us_ || early_cut(since))) || too_long) {
        const std::uint64_t msn = boundaries_.empty() ? 0 : boundaries_.back().msn + 1;
        boundaries_.push_back({t_us, msn});
        if (boundaries_.size() > kMaxBoundaries) boundaries_.pop_front();
        return msn;
    }
    return std::nullopt;
}

std::optional<std::int64_t> Timeline::boundary_time(std::uint64_t msn) const {
    for (auto it = boundaries_.rbegin(); it != boundaries_.rend(); ++it) {
        if (it->msn == msn) return it->t_us;
        if (it->msn < msn) break;
    }
    return std::nullopt;
}

Timeline::Epoch& Timeline::epoch(std::uint32_t index, double proposed_offset) {
    for (auto& e : epochs_) {
        if (e.index == index) return e;
    }
    epochs_.push_back({index, proposed_offset, std::nullopt});
    if (epochs_.size() > kMaxEpochs) epochs_.pop_front();
    return epochs_.back();
}

double Timeline::epoch_offset(std::uint32_t index, double proposed) {
    return epoch(index, proposed).offset;
}

util::Time Timeline::wall_clock(std::uint32_t index, std::int64_t t_us, util::Time proposed_wall) {
    Epoch& e = epoch(index, 0);
    if (!e.anchor) e.anchor = {proposed_wall, t_us};
    return e.anchor->first + std::chrono::duration_cast<util::Time::duration>(
                                 std::chrono::microseconds(t_us - e.anchor->second));
}

}  // namespace nchat::hls
