// record::MediaTimeline: media time to and from the wall clock through the segments' program
// dates (docs/recording.md, "Media time").
#include "record/timeline.hpp"

#include <gtest/gtest.h>

namespace nchat::record {
namespace {

constexpr std::int64_t kT0 = 1'795'531'517'000;  // a wall-clock instant, Unix ms

IndexEntry seg(std::uint64_t msn, std::int64_t wall_ms, std::int64_t duration_ms) {
    IndexEntry e;
    e.msn = msn;
    e.program_date_ms = wall_ms;
    e.duration_us = duration_ms * 1000;
    return e;
}

// Two segments of 2 s, a publisher away for 10 s, then two more.
std::vector<IndexEntry> with_a_pause() {
    return {seg(0, kT0, 2000), seg(1, kT0 + 2000, 2000), seg(2, kT0 + 14000, 2000),
            seg(3, kT0 + 16000, 2000)};
}

TEST(MediaTimeline, PlacesAWallClockInstantOnTheMediaTimeline) {
    MediaTimeline t(with_a_pause());
    EXPECT_EQ(t.duration_ms(), 8000);
    EXPECT_FALSE(t.media_ms_at(kT0 - 1));  // before the first frame
    EXPECT_EQ(t.media_ms_at(kT0), 0);
    EXPECT_EQ(t.media_ms_at(kT0 + 2500), 2500);
    // While the publisher was away: the moment it came back.
    EXPECT_EQ(t.media_ms_at(kT0 + 4000), 4000);
    EXPECT_EQ(t.media_ms_at(kT0 + 13999), 4000);
    EXPECT_EQ(t.media_ms_at(kT0 + 14000), 4000);
    EXPECT_EQ(t.media_ms_at(kT0 + 17000), 7000);
    // Past the last segment: the live edge goes on, for a while.
    EXPECT_EQ(t.media_ms_at(kT0 + 18500), 8500);
    EXPECT_EQ(t.media_ms_at(kT0 + 18000 + MediaTimeline::kMaxAheadMs),
              8000 + MediaTimeline::kMaxAheadMs);
    EXPECT_FALSE(t.media_ms_at(kT0 + 18001 + MediaTimeline::kMaxAheadMs));
    EXPECT_FALSE(MediaTimeline().media_ms_at(kT0));
}

TEST(MediaTimeline, GivesTheWallClockStretchesOfAMediaSpan) {
    MediaTimeline t(with_a_pause());
    auto r = t.wall_ranges(1000, 3000);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].from, kT0 + 1000);
    EXPECT_EQ(r[0].to, kT0 + 3000);
    // Across the pause: two stretches; the second holds the pause, which is placed at its end.
    r = t.wall_ranges(3000, 5000);
    ASSERT_EQ(r.size(), 1u) << "the pause joins them: it is placed at media time 4000";
    EXPECT_EQ(r[0].from, kT0 + 3000);
    EXPECT_EQ(r[0].to, kT0 + 15000);
    r = t.wall_ranges(0, 2000);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].to, kT0 + 2000);
    r = t.wall_ranges(4500, 6000);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].from, kT0 + 14500);
    EXPECT_EQ(r[0].to, kT0 + 16000);
    // Every instant of a stretch maps back inside the span.
    for (auto [from, to] :
         std::vector<std::pair<std::int64_t, std::int64_t>>{{500, 7500}, {3999, 4001}}) {
        for (const auto& w : t.wall_ranges(from, to)) {
            for (std::int64_t u = w.from; u < w.to; u += 250) {
                auto ms = t.media_ms_at(u);
                ASSERT_TRUE(ms);
                EXPECT_GE(*ms, from) << u - kT0;
                EXPECT_LE(*ms, to) << u - kT0;
            }
        }
    }
    EXPECT_TRUE(t.wall_ranges(9000, 10000).empty());
    EXPECT_TRUE(t.wall_ranges(3000, 3000).empty());
}

TEST(MediaTimeline, ALiveRecordingsLastStretchGoesOnPastItsLastSegment) {
    MediaTimeline t;
    t.add(kT0, 2'000'000);
    t.add(kT0 + 2000, 2'000'000);
    auto r = t.wall_ranges(3000, 6000, true);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].from, kT0 + 3000);
    EXPECT_EQ(r[0].to, kT0 + 6000);
    r = t.wall_ranges(5000, 6000, true);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].from, kT0 + 5000);
    EXPECT_TRUE(t.wall_ranges(5000, 6000, false).empty());
    // Bounded: at most kMaxAheadMs past the end.
    r = t.wall_ranges(0, 4000 + 10 * MediaTimeline::kMaxAheadMs, true);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].to, kT0 + 4000 + MediaTimeline::kMaxAheadMs);
}

}  // namespace
}  // namespace nchat::record
