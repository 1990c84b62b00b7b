#pragma once
// Media time (issue 16, docs/recording.md "Media time"): milliseconds of a stream's recorded
// timeline, 0 at the start of its best rendition's first recorded segment and continuous across
// publisher reconnects (the segments follow each other; the time the publisher was away is not
// in it). The clips cut on it; chat, reactions and moderation events are placed on it. A
// MediaTimeline maps it to and from the wall clock through the segments' program dates.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "record/index.hpp"

namespace nchat::record {

// A wall-clock stretch, Unix ms, [from, to).
struct WallRange {
    std::int64_t from = 0;
    std::int64_t to = 0;
};

class MediaTimeline {
public:
    // How far past its last segment a wall time is still placed (a live stream's open segment
    // and the next one): beyond that the publisher is away and the time is not on the timeline.
    static constexpr std::int64_t kMaxAheadMs = 30'000;

    MediaTimeline() = default;
    // The segments of the best rendition, in order (gap segments take their place in time too).
    explicit MediaTimeline(std::span<const IndexEntry> entries);

    // Appends the next segment (a live recording, as each completes).
    void add(std::int64_t program_date_ms, std::int64_t duration_us);

    // The media time at wall time `unix_ms`: within a segment, its start plus the offset;
    // between two segments (the publisher was away), the next one's start; past the last one,
    // its end plus the time since (at most kMaxAheadMs, else nullopt); before the first, or
    // with no program dates, nullopt.
    std::optional<std::int64_t> media_ms_at(std::int64_t unix_ms) const;

    // The wall-clock stretches that hold media time [from_ms, to_ms), oldest first, one per run
    // of segments that follow each other on the wall clock. Past the last segment, when
    // `open_ended` (a live stream), the last stretch goes on for up to kMaxAheadMs.
    std::vector<WallRange> wall_ranges(std::int64_t from_ms,
                                       std::int64_t to_ms,
                                       bool open_ended = false) const;

    std::int64_t duration_ms() const { return end_us_ / 1000; }
    bool empty() const { return segments_.empty(); }

private:
    struct Segment {
        std::int64_t wall_ms;   // program date of its first frame (0: unknown)
        std::int64_t start_us;  // media time of its start
        std::int64_t duration_us;
    };
    std::vector<Segment> segments_;
    std::int64_t end_us_ = 0;
};

}  // namespace nchat::record
