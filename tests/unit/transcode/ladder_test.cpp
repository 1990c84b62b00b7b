#include "transcode/ladder.hpp"

#include <gtest/gtest.h>

namespace nchat::transcode {
namespace {

media::TrackInfo source(int w, int h, double fps = 30, std::uint32_t bitrate = 0) {
    media::TrackInfo t;
    t.kind = media::TrackKind::video;
    t.codec = media::Codec::h264;
    t.width = static_cast<std::uint32_t>(w);
    t.height = static_cast<std::uint32_t>(h);
    t.frame_rate = fps;
    t.bitrate = bitrate;
    return t;
}

std::string sizes(const std::vector<Rung>& rungs) {
    std::string s;
    for (const auto& r : rungs) {
        s += (s.empty() ? "" : " ") + r.name + ":" + std::to_string(r.width) + "x" +
             std::to_string(r.height) + (r.passthrough ? "P" : "");
    }
    return s;
}

TEST(LadderPlan, FullHdSourceGetsFourRungsWithTheSourcePassedThrough) {
    auto r = plan_ladder(source(1920, 1080), "", LadderConfig{});
    EXPECT_EQ(sizes(r), "1080p:1920x1080P 720p:1280x720 480p:854x480 360p:640x360");
    EXPECT_EQ(r[1].video_kbps, 1500);
    EXPECT_EQ(r[1].fps, 30);
    EXPECT_EQ(r[2].fps, 24);
    EXPECT_EQ(r[3].video_kbps, 400);
    EXPECT_EQ(r[0].video_kbps, 3000);  // unknown source bitrate: the rung's
}

TEST(LadderPlan, HdSourceGetsThreeRungs) {
    EXPECT_EQ(sizes(plan_ladder(source(1280, 720), "", LadderConfig{})),
              "720p:1280x720P 480p:854x480 360p:640x360");
}

TEST(LadderPlan, MaxResolutionLeavesOutTallerRungsAndForcesTranscoding) {
    EXPECT_EQ(sizes(plan_ladder(source(1920, 1080), "480p", LadderConfig{})),
              "480p:854x480 360p:640x360");
    EXPECT_EQ(sizes(plan_ladder(source(1280, 720), "720p", LadderConfig{})),
              "720p:1280x720P 480p:854x480 360p:640x360");
}

TEST(LadderPlan, TopRungModes) {
    LadderConfig c;
    c.top_rung = TopRungMode::transcode;
    EXPECT_EQ(sizes(plan_ladder(source(1920, 1080), "", c)),
              "1080p:1920x1080 720p:1280x720 480p:854x480 360p:640x360");
    // auto: over twice the rung's bitrate is re-encoded, within it is passed through.
    c.top_rung = TopRungMode::automatic;
    EXPECT_FALSE(plan_ladder(source(1920, 1080, 30, 8'000'000), "", c)[0].passthrough);
    auto p = plan_ladder(source(1920, 1080, 30, 6'000'000), "", c);
    EXPECT_TRUE(p[0].passthrough);
    EXPECT_EQ(p[0].video_kbps, 6000);
    c.top_rung = TopRungMode::passthrough;
    EXPECT_TRUE(plan_ladder(source(1920, 1080, 30, 20'000'000), "", c)[0].passthrough);
}

TEST(LadderPlan, OddPortraitAndFourByThreeKeepTheAspectWithEvenSizes) {
    EXPECT_EQ(sizes(plan_ladder(source(1279, 719), "", LadderConfig{})),
              "719p:1279x719P 480p:854x480 360p:640x360");
    EXPECT_EQ(sizes(plan_ladder(source(1080, 1920), "", LadderConfig{})),
              "1080p:1080x1920P 720p:720x1280 480p:480x854 360p:360x640");
    EXPECT_EQ(sizes(plan_ladder(source(1440, 1080), "", LadderConfig{})),
              "1080p:1440x1080P 720p:960x720 480p:640x480 360p:480x360");
    EXPECT_EQ(sizes(plan_ladder(source(1600, 900), "", LadderConfig{})),
              "900p:1600x900P 720p:1280x720 480p:854x480 360p:640x360");
    LadderConfig c;
    c.top_rung = TopRungMode::transcode;
    EXPECT_EQ(sizes(plan_ladder(source(1279, 719), "", c)), "480p:854x480 360p:640x360");
    for (const auto& r : plan_ladder(source(1917, 1079), "", c)) {
        EXPECT_EQ(r.width % 2, 0) << r.name;
        EXPECT_EQ(r.height % 2, 0) << r.name;
    }
}

TEST(LadderPlan, TinyOrUnknownSourceIsPassedThrough) {
    EXPECT_EQ(sizes(plan_ladder(source(320, 240), "", LadderConfig{})), "240p:320x240P");
    EXPECT_EQ(plan_ladder(source(0, 0), "", LadderConfig{}).size(), 1u);
}

TEST(LadderPlan, RungFrameRateNeverAboveTheSource) {
    auto r = plan_ladder(source(1280, 720, 20), "", LadderConfig{});
    EXPECT_EQ(r[1].fps, 20);
    r = plan_ladder(source(1280, 720, 60), "", LadderConfig{});
    EXPECT_EQ(r[0].fps, 60);
    EXPECT_EQ(r[1].fps, 24);
}

TEST(LadderConfigParse, NamesAndPolicies) {
    EXPECT_EQ(parse_resolution("1080p"), 1080);
    EXPECT_EQ(parse_resolution("360p"), 360);
    EXPECT_FALSE(parse_resolution("p"));
    EXPECT_FALSE(parse_resolution("720"));
    EXPECT_FALSE(parse_resolution("-1p"));
    EXPECT_EQ(parse_top_rung_mode("auto"), TopRungMode::automatic);
    EXPECT_EQ(parse_top_rung_mode("transcode"), TopRungMode::transcode);
    EXPECT_FALSE(parse_top_rung_mode("yes"));
    EXPECT_EQ(parse_keyframe_policy("source"), 0.0);
    EXPECT_EQ(parse_keyframe_policy("2"), 2.0);
    EXPECT_EQ(parse_keyframe_policy("1.5"), 1.5);
    EXPECT_FALSE(parse_keyframe_policy("0"));
    EXPECT_FALSE(parse_keyframe_policy("11"));
    EXPECT_FALSE(parse_keyframe_policy("2s"));
    EXPECT_TRUE(encoder_available("libx264"));
    EXPECT_FALSE(encoder_available("no_such_encoder"));
}

TEST(LadderParse, ParsesSortsAndFeedsThePlan) {
    std::string why;
    auto steps = parse_ladder("360p:400:24,1440p:9000:60,720p:1500:30", &why);
    ASSERT_TRUE(steps) << why;
    ASSERT_EQ(steps->size(), 3u);
    EXPECT_EQ((*steps)[0].name, "1440p");
    EXPECT_EQ((*steps)[0].video_kbps, 9000);
    EXPECT_EQ((*steps)[0].fps, 60);
    EXPECT_EQ((*steps)[2].short_side, 360);
    LadderConfig c;
    c.ladder = *steps;
    c.top_rung = TopRungMode::transcode;
    EXPECT_EQ(sizes(plan_ladder(source(1920, 1080), "", c)), "720p:1280x720 360p:640x360");
}

TEST(LadderParse, RefusesWhatItCannotUseAndSaysWhy) {
    for (const char* bad :
         {"", "720p", "720p:1500", "720p:x:30", "720p:1500:0", "721p:1500:30", "96p:100:30",
          "720p:50:30", "720p:1500:30,720p:800:24", "a:1:1", "720p:1500:30,"}) {
        std::string why;
        EXPECT_FALSE(parse_ladder(bad, &why)) << bad;
        EXPECT_FALSE(why.empty()) << bad;
    }
    std::string nine;
    for (int i = 0; i < 9; ++i)
        nine += (i ? "," : "") + std::to_string(200 + 100 * i) + "p:500:30";
    EXPECT_FALSE(parse_ladder(nine, nullptr));
}

}  // namespace
}  // namespace nchat::transcode
