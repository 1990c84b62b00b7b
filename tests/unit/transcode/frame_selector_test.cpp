#include "transcode/detail/frame_selector.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace nchat::transcode::detail {
namespace {

// RTMP timestamps: whole milliseconds, in 90 kHz.
std::int64_t at(int frame, double fps) {
    return std::llround(frame * 1000.0 / fps) * 90;
}

TEST(TranscodeFrameSelector, ThirtyToTwentyFourDropsOneInFiveEvenly) {
    FrameSelector s(24);
    std::vector<int> kept;
    for (int i = 0; i < 300; ++i) {
        if (s.keep(at(i, 30), i % 60 == 0)) kept.push_back(i);
    }
    EXPECT_EQ(kept.size(), 240u);
    // Never two drops in a row: the longest gap between kept frames is two source frames.
    for (std::size_t i = 1; i < kept.size(); ++i)
        EXPECT_LE(kept[i] - kept[i - 1], 2) << i;
    // Every keyframe is kept.
    for (int k = 0; k < 300; k += 60)
        EXPECT_NE(std::find(kept.begin(), kept.end(), k), kept.end()) << k;
}

TEST(TranscodeFrameSelector, SameRateKeepsEveryFrameDespiteMillisecondJitter) {
    FrameSelector s(30);
    int kept = 0;
    for (int i = 0; i < 300; ++i)
        kept += s.keep(at(i, 29.97), false);
    EXPECT_EQ(kept, 300);
    FrameSelector t(30);
    kept = 0;
    for (int i = 0; i < 300; ++i)
        kept += t.keep(at(i, 30) + (i % 3 - 1) * 90, false);
    EXPECT_EQ(kept, 300);
}

TEST(TranscodeFrameSelector, SixtyToThirtyHalvesAndAGapDoesNotCauseABurst) {
    FrameSelector s(30);
    int kept = 0;
    for (int i = 0; i < 120; ++i)
        kept += s.keep(at(i, 60), false);
    EXPECT_EQ(kept, 60);
    // 2 s missing, then 1 s more: about 30 frames, not 90 to "catch up".
    kept = 0;
    for (int i = 240; i < 300; ++i)
        kept += s.keep(at(i, 60), false);
    EXPECT_NEAR(kept, 30, 1);
}

TEST(TranscodeIdrPlanner, BesideAPassthroughRungOnlyTheSourcesKeyframes) {
    IdrPlanner p(2);
    EXPECT_TRUE(p.follows_source());
    EXPECT_TRUE(p.decide(0, false));  // the first frame always
    EXPECT_FALSE(p.decide(3000, false));
    EXPECT_TRUE(p.decide(180000, true));
    // A long GOP adds nothing: the passthrough rung could not cut anywhere else.
    std::vector<std::int64_t> idrs;
    for (std::int64_t t = 183000; t < 180000 + 9 * 90000; t += 3000) {
        if (p.decide(t, t == 180000 + 8 * 90000)) idrs.push_back(t);
    }
    EXPECT_EQ(idrs, (std::vector<std::int64_t>{180000 + 8 * 90000}));
    p.force_next();
    EXPECT_TRUE(p.decide(999999, false));
}

TEST(TranscodeIdrPlanner, EveryRungEncodedASteadyCadenceNeverShorterThanIt) {
    IdrPlanner p(2);
    p.follow_source(false);
    std::vector<std::int64_t> idrs;
    for (int i = 0; i < 200; ++i) {
        // RTMP's millisecond timestamps at 30 fps: 33 or 34 ms apart.
        const auto t = 1000 + std::llround(i * 1000.0 / 30) * 90;
        if (p.decide(t, i % 45 == 0)) idrs.push_back(t);
    }
    ASSERT_EQ(idrs.size(), 4u);
    EXPECT_EQ(idrs[0], 1000);  // the first frame
    for (std::size_t i = 1; i < idrs.size(); ++i) {
        // The first frame at least 2 s after the previous IDR, whatever the source does: the
        // HLS timeline starts a segment at every one of them.
        EXPECT_GE(idrs[i] - idrs[i - 1], 180000);
        EXPECT_LT(idrs[i] - idrs[i - 1], 180000 + 3060);
    }
}

}  // namespace
}  // namespace nchat::transcode::detail
