#include "record/timeline.hpp"

#include <algorithm>

namespace nchat::record {

MediaTimeline::MediaTimeline(std::span<const IndexEntry> entries) {
    segments_.reserve(entries.size());
    for (const auto& e : entries)
        add(e.program_date_ms, e.duration_us);
}

void MediaTimeline::add(std::int64_t program_date_ms, std::int64_t duration_us) {
    if (duration_us <= 0) return;
    segments_.push_back({program_date_ms, end_us_, duration_us});
    end_us_ += duration_us;
}

std::optional<std::int64_t> MediaTimeline::media_ms_at(std::int64_t unix_ms) const {
    // The last segment with a program date at or before unix_ms.
    auto it = std::upper_bound(
        segments_.begin(), segments_.end(), unix_ms,
        [](std::int64_t t, const Segment& s) { return s.wall_ms != 0 && t < s.wall_ms; });
    if (it == segments_.begin()) return std::nullopt;
    const Segment& s = *std::prev(it);
    if (s.wall_ms == 0) return std::nullopt;
    const std::int64_t into_ms = unix_ms - s.wall_ms;
    const std::int64_t dur_ms = s.duration_us / 1000;
    if (into_ms < dur_ms) return (s.start_us / 1000) + into_ms;
    if (it != segments_.end()) return it->start_us / 1000;  // in a pause: the next start
    if (into_ms - dur_ms > kMaxAheadMs) return std::nullopt;
    return (s.start_us / 1000) + into_ms;  // the live edge, past the last complete segment
}

std::vector<WallRange> MediaTimeline::wall_ranges(std::int64_t from_ms,
                                                  std::int64_t to_ms,
                                                  bool open_ended) const {
    std::vector<WallRange> out;
    if (to_ms <= from_ms) return out;
    const std::int64_t from_us = from_ms * 1000;
    const std::int64_t to_us = to_ms * 1000;
    // The first segment that ends after from_ms.
    auto it = std::upper_bound(
        segments_.begin(), segments_.end(), from_us,
        [](std::int64_t t, const Segment& s) { return t < s.start_us + s.duration_us; });
    for (; it != segments_.end() && it->start_us < to_us; ++it) {
        if (it->wall_ms == 0) continue;
        const std::int64_t a = std::max(from_us, it->start_us) - it->start_us;
        const std::int64_t b = std::min(to_us, it->start_us + it->duration_us) - it->start_us;
        WallRange r{it->wall_ms + a / 1000, it->wall_ms + (b + 999) / 1000};
        // A pause before it (the publisher was away) is placed at its start (media_ms_at), so
        // the stretch that holds its start holds the pause too.
        if (a == 0 && it != segments_.begin()) {
            const Segment& prev = *std::prev(it);
            const std::int64_t prev_end = prev.wall_ms + prev.duration_us / 1000;
            if (prev.wall_ms != 0 && prev_end < r.from) r.from = prev_end;
        }
        // Segments that follow each other on the wall clock (within a frame or two) join.
        if (!out.empty() && r.from - out.back().to <= 100 && r.from >= out.back().from) {
            out.back().to = std::max(out.back().to, r.to);
        } else {
            out.push_back(r);
        }
    }
    if (open_ended && !segments_.empty() && to_us > end_us_) {
        const Segment& last = segments_.back();
        if (last.wall_ms != 0) {
            const std::int64_t end_wall = last.wall_ms + last.duration_us / 1000;
            const std::int64_t from_wall =
                end_wall + std::max<std::int64_t>(0, from_us - end_us_) / 1000;
            const std::int64_t to_wall = end_wall + std::min(kMaxAheadMs, (to_us - end_us_) / 1000);
            if (to_wall > from_wall) {
                if (!out.empty() && from_wall - out.back().to <= 100) {
                    out.back().to = std::max(out.back().to, to_wall);
                } else {
                    out.push_back({from_wall, to_wall});
                }
            }
        }
    }
    return out;
}

}  // namespace nchat::record
