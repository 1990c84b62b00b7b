#include "media/h264.hpp"

#include <algorithm>
#include <string>

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

// An AVCC4 access unit holding one SEI NAL unit with a user-data-unregistered message under
// `uuid` carrying `text`, before an IDR slice.
Bytes sei_au(const std::string& text, const Bytes& uuid) {
    Bytes payload = uuid;
    payload.insert(payload.end(), text.begin(), text.end());
    payload.push_back(0);   // x264 writes a C string
    Bytes nal{0x06, 0x05};  // SEI; payloadType 5
    std::size_t n = payload.size();
    for (; n >= 255; n -= 255)
        nal.push_back(0xFF);  // payloadSize continues (§7.3.2.3.1)
    nal.push_back(static_cast<std::uint8_t>(n));
    nal.insert(nal.end(), payload.begin(), payload.end());
    nal.push_back(0x80);  // rbsp trailing bits
    Bytes au;
    for (const Bytes& u : {nal, hex("6588")}) {
        const auto len = static_cast<std::uint32_t>(u.size());
        au.insert(au.end(), {std::uint8_t(len >> 24), std::uint8_t(len >> 16),
                             std::uint8_t(len >> 8), std::uint8_t(len)});
        au.insert(au.end(), u.begin(), u.end());
    }
    return au;
}

const Bytes kX264Uuid = hex("dc45e9bde6d948b7962cd820d923eeef");

TEST(X264Sei, KeyintFromTheSettingsText) {
    const std::string obs =
        "x264 - core 164 r3095 baee400 - H.264/MPEG-4 AVC codec - Copyleft 2003-2022 - "
        "http://www.videolan.org/x264.html - options: cabac=1 ref=3 deblock=1:0:0 "
        "analyse=0x3:0x113 "
        "me=hex subme=7 psy=1 mixed_ref=1 me_range=16 chroma_me=1 trellis=1 8x8dct=1 "
        "cqm=0 deadzone=21,11 fast_pskip=1 chroma_qp_offset=-2 threads=6 lookahead_threads=1 "
        "sliced_threads=0 nr=0 decimate=1 interlaced=0 bluray_compat=0 constrained_intra=0 "
        "bframes=2 b_pyramid=2 b_adapt=1 b_bias=0 direct=1 weightb=1 open_gop=0 weightp=2 "
        "keyint=250 keyint_min=25 scenecut=40 intra_refresh=0 rc=cbr mbtree=1 bitrate=2500";
    const Bytes au = sei_au(obs, kX264Uuid);
    EXPECT_EQ(x264_keyint(au), 250);
    EXPECT_TRUE(has_idr(au));
    EXPECT_EQ(x264_keyint(sei_au("options: keyint=infinite keyint_min=1", kX264Uuid)), 0);
    EXPECT_EQ(x264_keyint(sei_au("options: keyint=60", kX264Uuid)), 60);
    // keyint_min alone is not keyint; another encoder's UUID is not x264's.
    EXPECT_EQ(x264_keyint(sei_au("options: keyint_min=25", kX264Uuid)), std::nullopt);
    Bytes other = kX264Uuid;
    other[0] ^= 1;
    EXPECT_EQ(x264_keyint(sei_au("options: keyint=60", other)), std::nullopt);
    EXPECT_EQ(x264_keyint(hex("000000026588")), std::nullopt);  // no SEI at all
}

TEST(X264Sei, EmulationPreventionAndTruncationAreHandled) {
    // "keyint=250" after two zero bytes: x264 would have escaped them as 00 00 03.
    Bytes au = sei_au(std::string("a\0\0b keyint=250", 16), kX264Uuid);
    // The NAL unit's bytes (after the 4-byte length): insert 03 after the two zeros.
    const Bytes zeros{0x61, 0x00, 0x00, 0x62};
    auto at = std::search(au.begin(), au.end(), zeros.begin(), zeros.end());
    ASSERT_NE(at, au.end());
    au.insert(at + 3, 0x03);
    au[3] = static_cast<std::uint8_t>(au[3] + 1);  // the NAL unit grew by one byte
    EXPECT_EQ(x264_keyint(au), 250);
    // Every truncation of a real access unit: no crash, no read past the end.
    const Bytes whole = sei_au("options: keyint=250 keyint_min=25", kX264Uuid);
    for (std::size_t n = 0; n < whole.size(); ++n)
        (void)x264_keyint(std::span(whole.data(), n));
}

}  // namespace
}  // namespace nchat::media
