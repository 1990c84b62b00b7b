#include "media/h264.hpp"

#include <gtest/gtest.h>

#include "unit/testing/hex.hpp"

namespace nchat::media {
namespace {

using Bytes = std::vector<std::uint8_t>;

using nchat::testing::hex;

// SPS NAL units written by x264 (ffmpeg -f lavfi -i testsrc=size=WxH:rate=R -c:v libx264
// -profile:v P -frames:v 1 -f h264), extracted at their start codes.
const Bytes kHigh720p30 = hex("6764001facd9405005bb0110000003001000000303c0f1831960");
const Bytes kMain480p24 = hex("674d401eeca06c1ef37808800000030080000018078b16cb");
const Bytes kBase642x362at25 = hex("6742c01ed900a42fe224c044000003000400000300c83c58b920");

TEST(Sps, HighProfile720p30WithCropping) {
    auto s = parse_sps(kHigh720p30);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->profile_idc, 100);
    EXPECT_EQ(s->level_idc, 31);
    EXPECT_EQ(s->width, 1280u);
    EXPECT_EQ(s->height, 720u);  // 736 coded, 16 cropped
    EXPECT_DOUBLE_EQ(s->frame_rate, 30.0);
    EXPECT_EQ(avc_codec_string(*s), "avc1.64001f");
}

TEST(Sps, Main480p24) {
    auto s = parse_sps(kMain480p24);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->profile_idc, 77);
    EXPECT_EQ(s->width, 854u);
    EXPECT_EQ(s->height, 480u);
    EXPECT_DOUBLE_EQ(s->frame_rate, 24.0);
    EXPECT_EQ(avc_codec_string(*s), "avc1.4d401e");
}

TEST(Sps, ConstrainedBaselineOddMacroblockCrop) {
    auto s = parse_sps(kBase642x362at25);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->profile_idc, 66);
    EXPECT_EQ(s->width, 642u);
    EXPECT_EQ(s->height, 362u);
    EXPECT_DOUBLE_EQ(s->frame_rate, 25.0);
    EXPECT_EQ(avc_codec_string(*s), "avc1.42c01e");
}

TEST(Sps, EveryTruncationFailsCleanly) {
    for (std::size_t n = 0; n < kHigh720p30.size() - 6; ++n) {
        auto s = parse_sps(std::span(kHigh720p30.data(), n));
        // A prefix may still parse (the VUI is optional) but must never read out of bounds.
        if (s) {
            EXPECT_LE(s->width, 16384u);
        }
    }
    EXPECT_FALSE(parse_sps(hex("68ce3c80")));  // a PPS, not an SPS
}

TEST(AvcC, ParsesRecordAndRefusesBrokenOnes) {
    // version 1, High 4.0, 4-byte lengths, one SPS, one PPS.
    Bytes avcc = hex("0164001fffe1");
    avcc.push_back(0);
    avcc.push_back(static_cast<std::uint8_t>(kHigh720p30.size()));
    avcc.insert(avcc.end(), kHigh720p30.begin(), kHigh720p30.end());
    for (auto b : hex("010004"
                      "68ebe3cb"))
        avcc.push_back(b);
    auto c = parse_avcc(avcc);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->nal_length_size, 4);
    ASSERT_EQ(c->sps.size(), 1u);
    EXPECT_EQ(c->sps[0], kHigh720p30);
    ASSERT_EQ(c->pps.size(), 1u);
    for (std::size_t n = 0; n < avcc.size(); ++n) {
        EXPECT_FALSE(parse_avcc(std::span(avcc.data(), n))) << n;
    }
    avcc[0] = 2;
    EXPECT_FALSE(parse_avcc(avcc));
}

TEST(Avcc, LengthSizesAndIdr) {
    auto two =
        hex("0002"
            "6588"
            "0003"
            "419a00");  // IDR slice, then a non-IDR slice
    auto four = avcc_to_avcc4(two, 2);
    ASSERT_TRUE(four);
    EXPECT_EQ(*four, hex("00000002"
                         "6588"
                         "00000003"
                         "419a00"));
    EXPECT_TRUE(has_idr(*four));
    EXPECT_FALSE(has_idr(hex("00000003419a00")));
    EXPECT_FALSE(avcc_to_avcc4(hex("0005"
                                   "6588"),
                               2));               // runs past the end
    EXPECT_FALSE(avcc_to_avcc4(hex("0000"), 2));  // empty NAL
}

}  // namespace
}  // namespace nchat::media
