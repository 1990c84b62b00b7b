#include "hls/detail/timeline.hpp"

#include <gtest/gtest.h>

#include "hls/detail/rendition.hpp"
#include "unit/hls/synthetic.hpp"

namespace nchat::hls {
namespace {

using test::Feed;

std::shared_ptr<Timeline> shared_timeline() {
    return std::make_shared<Timeline>(std::chrono::milliseconds(2000));
}

// msn → start (seconds of media time, from the first part's first frame) of every segment.
std::vector<std::pair<std::uint64_t, util::Time>> segments_of(const Rendition& r) {
    std::vector<std::pair<std::uint64_t, util::Time>> out;
    for (const auto& s : r.window().segments)
        out.emplace_back(s.msn, s.program_date_time);
    return out;
}

TEST(Timeline, LeaderDecidesBoundariesFollowersTakeTheSameMsn) {
    Timeline t(std::chrono::milliseconds(2000));
    EXPECT_EQ(t.segment_start(0, true, std::nullopt), 0u);
    EXPECT_EQ(t.segment_start(0, true, std::nullopt), 0u) << "idempotent";
    EXPECT_FALSE(t.segment_start(1'000'000, true, 0)) << "a keyframe before the target";
    EXPECT_EQ(t.segment_start(2'000'000, true, 0), 1u);
    EXPECT_FALSE(t.segment_start(2'500'000, false, 2'000'000)) << "not a keyframe";
    // A follower that joins on the keyframe at 1 s waits for the boundary at 2 s.
    EXPECT_FALSE(t.segment_start(1'000'000, true, std::nullopt));
    EXPECT_EQ(t.segment_start(2'000'000, true, std::nullopt), 1u);
    // A follower still in segment 0 cuts at the leader's boundary, even a frame off.
    EXPECT_EQ(t.segment_start(2'001'000, true, 0), 1u);
}

TEST(Timeline, ForcedStartAfterDiscontinuityAndOverlongSegments) {
    Timeline t(std::chrono::milliseconds(2000), std::chrono::milliseconds(5000));
    EXPECT_EQ(t.segment_start(0, true, std::nullopt), 0u);
    EXPECT_EQ(t.segment_start(500'000, true, std::nullopt, /*must_start=*/true), 1u);
    EXPECT_EQ(t.segment_start(5'500'000, false, 500'000), 2u) << "30 s cap: cut without keyframe";
}

TEST(Timeline, EpochOffsetAndWallClockAreDecidedOnce) {
    Timeline t(std::chrono::milliseconds(2000));
    EXPECT_DOUBLE_EQ(t.epoch_offset(1, 12.5), 12.5);
    EXPECT_DOUBLE_EQ(t.epoch_offset(1, 13.0), 12.5);
    const util::Time w0{std::chrono::milliseconds(1'000'000)};
    EXPECT_EQ(t.wall_clock(0, 0, w0), w0);
    EXPECT_EQ(t.wall_clock(0, 2'000'000, w0 + std::chrono::seconds(7)),
              w0 + std::chrono::seconds(2));
}

TEST(Timeline, RenditionsJoiningLateShareMsnsAndProgramDateTime) {
    auto tl = shared_timeline();
    Rendition top({test::video_track()}, {}, tl);
    Rendition low({test::video_track(24)}, {}, tl);
    Feed f{.video = 0, .gop_seconds = 1};
    test::feed(top, f, 0, 3.0);
    // The low rung starts 1.5 s late and half a second behind on the wall clock (encoder delay):
    // it waits for the boundary at 2 s, which is msn 1 for both.
    Feed late = f;
    late.wall0 += std::chrono::milliseconds(500);
    test::feed(low, late, 1.5, 3.0);
    test::feed(top, f, 3.0, 9.05);
    test::feed(low, late, 3.0, 9.05);
    auto a = segments_of(top);
    auto b = segments_of(low);
    ASSERT_EQ(a.size(), 5u);
    ASSERT_EQ(b.size(), 4u);
    for (std::size_t i = 0; i < b.size(); ++i) {
        EXPECT_EQ(b[i].first, a[i + 1].first);
        EXPECT_EQ(b[i].second, a[i + 1].second) << "PROGRAM-DATE-TIME of msn " << b[i].first;
    }
    EXPECT_EQ(top.window().next_msn, low.window().next_msn);
}

TEST(Timeline, ARenditionThatMissedSegmentsListsThemAsGaps) {
    auto tl = shared_timeline();
    Rendition top({test::video_track()}, {}, tl);
    Rendition low({test::video_track()}, {}, tl);
    Feed f{.video = 0};
    test::feed(top, f, 0, 4.0);
    test::feed(low, f, 0, 4.0);
    // The low rung gets nothing from 4 s to 10 s (its encoder stalled, with no word of a
    // gap), then comes back: the msns it missed are gaps, not a reset.
    test::feed(top, f, 4.0, 12.05);
    test::feed(low, f, 10.0, 12.05);
    const Window& w = low.window();
    EXPECT_EQ(w.segments.front().msn, 0u) << "nothing was dropped";
    for (std::uint64_t msn = 2; msn <= 4; ++msn) {
        const Segment* s = find_segment(w, msn);
        ASSERT_TRUE(s);
        EXPECT_TRUE(s->gap) << msn;
        EXPECT_NEAR(s->duration, 2.0, 1e-6) << msn;
        EXPECT_FALSE(s->discontinuity) << msn;
    }
    const Segment* back = find_segment(w, 5);
    ASSERT_TRUE(back);
    EXPECT_FALSE(back->gap);
    EXPECT_FALSE(back->discontinuity);
    EXPECT_EQ(back->program_date_time, find_segment(top.window(), 5)->program_date_time);
    EXPECT_EQ(w.next_msn, top.window().next_msn);
    EXPECT_EQ(low.stats().timestamp_holes, 1u) << "the frame before the hole kept 1/30 s";
    EXPECT_NEAR(find_segment(w, 1)->duration, 2.0, 1e-6);
}

}  // namespace
}  // namespace nchat::hls
