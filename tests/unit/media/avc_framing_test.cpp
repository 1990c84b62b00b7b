#include "media/avc_framing.hpp"

#include <gtest/gtest.h>

#include "media/h264.hpp"

namespace nchat::media {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A High-profile SPS (profile 100, level 3.1) and a PPS, as x264 writes them for 640x360.
const Bytes kSps = {0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9, 0x40, 0xa0, 0x2f, 0xf9, 0x70, 0x11, 0x00,
                    0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x3c, 0x0f, 0x18, 0x31, 0x96};
const Bytes kPps = {0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0};

Bytes annex_b(std::initializer_list<Bytes> nals, bool long_codes = true) {
    Bytes out;
    for (const auto& n : nals) {
        if (long_codes) out.push_back(0);
        out.insert(out.end(), {0, 0, 1});
        out.insert(out.end(), n.begin(), n.end());
    }
    return out;
}

TEST(AvcFraming, AnnexBToAvcc4KeepsSliceAndSeiDropsParameterSetsAndAud) {
    const Bytes sei = {0x06, 0x05, 0x01, 0xAA, 0x80};
    const Bytes idr = {0x65, 0x88, 0x84, 0x00};  // the last zero is padding before a start code
    const Bytes aud = {0x09, 0xF0};
    auto out = annex_b_to_avcc4(annex_b({aud, kSps, kPps, sei, idr}));
    // sei: 00 00 00 05 + 5 bytes; idr loses its trailing 00 (it is start-code padding).
    const Bytes want = {0, 0, 0, 5, 0x06, 0x05, 0x01, 0xAA, 0x80, 0, 0, 0, 3, 0x65, 0x88, 0x84};
    EXPECT_EQ(out, want);
    EXPECT_TRUE(media::has_idr(out));
    EXPECT_EQ(annex_b_to_avcc4(annex_b({idr}, false)).size(), 7u);
}

TEST(AvcFraming, MakeAvccFromAnnexBParameterSets) {
    auto avcc = make_avcc(annex_b({kSps, kPps}));
    ASSERT_TRUE(avcc);
    // 01 | 64 00 1f (from the SPS) | FF (4-byte lengths) | E1 (1 SPS) | len | SPS | 01 | len |
    // PPS | High-profile extension FD F8 F8 00.
    EXPECT_EQ((*avcc)[0], 1);
    EXPECT_EQ((*avcc)[1], 0x64);
    EXPECT_EQ((*avcc)[3], 0x1f);
    EXPECT_EQ((*avcc)[4], 0xFF);
    EXPECT_EQ((*avcc)[5], 0xE1);
    const Bytes tail(avcc->end() - 4, avcc->end());
    EXPECT_EQ(tail, (Bytes{0xFD, 0xF8, 0xF8, 0x00}));
    auto cfg = media::parse_avcc(*avcc);
    ASSERT_TRUE(cfg);
    EXPECT_EQ(cfg->sps.front(), kSps);
    EXPECT_EQ(cfg->pps.front(), kPps);
    // Already an avcC: unchanged. No PPS: an error.
    EXPECT_EQ(*make_avcc(*avcc), *avcc);
    EXPECT_FALSE(make_avcc(annex_b({kSps})));
    EXPECT_FALSE(make_avcc({}));
}

TEST(AvcFraming, LengthSizeForcedToFourAndDisposableFrames) {
    auto avcc = *make_avcc(annex_b({kSps, kPps}));
    avcc[4] = 0xFD;  // 2-byte lengths
    EXPECT_EQ(avcc_with_length4(avcc)[4], 0xFF);
    const Bytes b_frame = {0, 0, 0, 2, 0x01, 0x9e};   // nal_ref_idc 0, non-IDR slice
    const Bytes p_frame = {0, 0, 0, 2, 0x41, 0x9a};   // nal_ref_idc 2
    const Bytes sei_only = {0, 0, 0, 2, 0x06, 0x05};  // no slice at all
    EXPECT_TRUE(is_disposable(b_frame));
    EXPECT_FALSE(is_disposable(p_frame));
    EXPECT_FALSE(is_disposable(sei_only));
    EXPECT_FALSE(is_disposable({}));
}

}  // namespace
}  // namespace nchat::media
