#include "hls/timeline.hpp"

#include <gtest/gtest.h>

#include "hls/segmenter.hpp"
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

TEST(Timeline, AShedRenditionStartsOverAtTheSharedMsn) {
    auto tl = shared_timeline();
    Rendition top({test::video_track()}, {}, tl);
    Rendition low({test::video_track()}, {}, tl);
    Feed f{.video = 0};
    test::feed(top, f, 0, 4.0);
    test::feed(low, f, 0, 4.0);
    // The low rung gets nothing from 4 s to 10 s (shed), then comes back.
    test::feed(top, f, 4.0, 12.05);
    test::feed(low, f, 10.0, 12.05);
    ASSERT_FALSE(low.window().segments.empty());
    const Segment& back = low.window().segments.front();
    EXPECT_EQ(back.msn, 5u) << "the segment starting at 10 s";
    EXPECT_TRUE(back.discontinuity);
    EXPECT_EQ(low.window().next_msn, top.window().next_msn);
}

}  // namespace
}  // namespace nchat::hls
