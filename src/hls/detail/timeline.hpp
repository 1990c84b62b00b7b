#pragma once
// The one timeline every rendition of a stream follows (issue #4: "renditions of one stream share
// media sequence numbers and one timeline"), so that a player switching from 1080p to 360p
// finds segment N at the same media time in both.
//
// The first rendition to reach a segment boundary decides it (its time and msn); the others cut
// at the same time and take the same msn. All renditions have keyframes at the same times (the
// transcoder forces its IDRs onto the source's), so whichever rendition gets there first, the
// decision is the same: a boundary is the first keyframe at least a segment target after the
// previous boundary. It also keeps, per publishing period (epoch), the shift that continues the
// timestamps of a reconnected publisher and the wall-clock anchor of PROGRAM-DATE-TIME.
//
// on stream strand (all renditions of a stream are packaged there).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

#include "util/clock.hpp"

namespace nchat::hls {

class Timeline {
public:
    explicit Timeline(std::chrono::milliseconds segment_target,
                      std::chrono::milliseconds max_segment = std::chrono::seconds(30));

    // A rendition's frame at `t_us` (microseconds on the shared timeline). `sync`: the frame can
    // start a segment (a keyframe). `open_start_us`: when the rendition's open segment started
    // (nullopt: none is open, e.g. the rendition's first frame or after a discontinuity).
    // `must_start`: the rendition has to start a segment here (the first keyframe after a
    // discontinuity). Returns the msn of the segment this frame starts, or nullopt.
    // Idempotent for the same frame.
    std::optional<std::uint64_t> segment_start(std::int64_t t_us,
                                               bool sync,
                                               std::optional<std::int64_t> open_start_us,
                                               bool must_start = false);

    // The shift (seconds) that continues the timestamps of publishing period `epoch` (0 = the
    // first publisher): the first rendition to ask proposes it, every other one gets the same.
    double epoch_offset(std::uint32_t epoch, double proposed);
    // The wall-clock time of media time `t_us` in `epoch`, anchored by the first rendition to
    // ask (PROGRAM-DATE-TIME is then the same in every rendition).
    util::Time wall_clock(std::uint32_t epoch, std::int64_t t_us, util::Time proposed_wall);

    // The longest keyframe interval the source announced (x264 writes its keyint into its
    // first frame). With it, a segment also ends at a keyframe when waiting for the next one
    // could make it outlast TARGETDURATION, so TARGETDURATION is known from the first playlist
    // and never moves (§6.2.1), whatever scene cuts do to the GOP. The first announcement
    // stands for the stream (a later one would move TARGETDURATION).
    void announce_keyframe_interval(std::int64_t max_gop_us);
    // TARGETDURATION every rendition says: the rounded segment target, or the announced GOP
    // when it is longer; 0 while nothing was announced.
    std::uint32_t target_duration() const { return announced_td_; }

    std::size_t boundaries() const { return boundaries_.size(); }
    // Where segment `msn` starts on the shared timeline, while the boundary is remembered.
    std::optional<std::int64_t> boundary_time(std::uint64_t msn) const;

    // Publishing periods: a rendition made mid-stream starts in the newest one, so every
    // rendition numbers periods (and counts discontinuities) alike.
    std::uint32_t latest_epoch() const { return latest_epoch_; }
    void note_epoch(std::uint32_t epoch) { latest_epoch_ = std::max(latest_epoch_, epoch); }

private:
    struct Boundary {
        std::int64_t t_us;
        std::uint64_t msn;
    };
    struct Epoch {
        std::uint32_t index;
        double offset;
        std::optional<std::pair<util::Time, std::int64_t>> anchor;  // wall, t_us
    };
    Epoch& epoch(std::uint32_t index, double proposed_offset);

    // A keyframe before the target also starts a segment when the next one might come too late.
    bool early_cut(std::int64_t since_us) const;

    std::int64_t target_us_;
    std::int64_t max_us_;
    std::int64_t max_gop_us_ = 0;
    std::uint32_t announced_td_ = 0;
    std::deque<Boundary> boundaries_;  // newest last, bounded
    std::deque<Epoch> epochs_;         // newest last, bounded
    std::uint32_t latest_epoch_ = 0;
};

}  // namespace nchat::hls
