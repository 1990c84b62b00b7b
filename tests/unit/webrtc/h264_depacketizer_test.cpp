#include "webrtc/h264_depacketizer.hpp"

#include <gtest/gtest.h>

#include "unit/testing/hex.hpp"
#include "unit/webrtc/rtp_test_util.hpp"
#include "webrtc/limits.hpp"

namespace nchat::webrtc {
namespace {

using test::avcc4;
using test::make_packet;
using testing::Bytes;
using testing::hex;

const Bytes kSps = hex("67 42e01f da");
const Bytes kPps = hex("68 ce3c80");
const Bytes kIdr = hex("65 888421");
const Bytes kSlice = hex("41 9a0203");

TEST(H264Depack, SpsAloneThenStapAPpsIdrIsOneKeyframe) {
    H264Depacketizer d;
    EXPECT_TRUE(d.needs_keyframe());
    EXPECT_FALSE(d.push(make_packet(10, 3000, false, kSps), false));
    // STAP-A: header 0x78 (NRI 3, type 24), {size, NAL}x2: PPS, IDR.
    auto f = d.push(make_packet(11, 3000, true, hex("78 0004 68ce3c80 0004 65888421")), false);
    ASSERT_TRUE(f);
    EXPECT_TRUE(f->keyframe);
    EXPECT_EQ(f->rtp_timestamp, 3000u);
    EXPECT_EQ(f->data, avcc4({kSps, kPps, kIdr}));
    EXPECT_EQ(d.sps(), kSps);
    EXPECT_EQ(d.pps(), kPps);
    EXPECT_FALSE(d.needs_keyframe());
}

TEST(H264Depack, ReassemblesFuAAndDropsAud) {
    H264Depacketizer d;
    (void)d.push(make_packet(1, 0, false, hex("78 0005 67 42e01f da 0004 68ce3c80")), false);
    EXPECT_FALSE(d.push(make_packet(2, 0, false, hex("09 f0")), false));       // AUD
    EXPECT_FALSE(d.push(make_packet(3, 0, false, hex("7c 85 8884")), false));  // FU-A start, IDR
    EXPECT_FALSE(d.push(make_packet(4, 0, false, hex("7c 05 21")), false));    // middle
    auto f = d.push(make_packet(5, 0, true, hex("7c 45 2223")), false);        // end
    ASSERT_TRUE(f);
    EXPECT_EQ(f->data, avcc4({kSps, kPps, hex("65 888421 2223")}));
    EXPECT_TRUE(f->keyframe);
    // A non-IDR slice afterwards plays.
    auto g = d.push(make_packet(6, 3000, true, kSlice), false);
    ASSERT_TRUE(g);
    EXPECT_FALSE(g->keyframe);
    EXPECT_EQ(g->data, avcc4({kSlice}));
}

TEST(H264Depack, ParameterSetsFromAnEarlierAccessUnitAreKept) {
    H264Depacketizer d;
    EXPECT_FALSE(d.push(make_packet(1, 0, true, hex("78 0004 6742e01f 0004 68ce3c80")), false));
    auto f = d.push(make_packet(2, 3000, true, kIdr), false);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->data, avcc4({kIdr}));
    EXPECT_EQ(d.pps(), kPps);
}

TEST(H264Depack, DropsNonIdrUntilTheFirstKeyframe) {
    H264Depacketizer d;
    EXPECT_FALSE(d.push(make_packet(1, 0, true, kSlice), false));
    EXPECT_EQ(d.counters().dropped_need_keyframe, 1u);
    // An IDR without any parameter set seen cannot be decoded either.
    EXPECT_FALSE(d.push(make_packet(2, 3000, true, kIdr), false));
    EXPECT_EQ(d.counters().dropped_need_keyframe, 2u);
    EXPECT_TRUE(d.needs_keyframe());
}

TEST(H264Depack, GapInsideAnAccessUnitDropsItUntilTheNextIdr) {
    H264Depacketizer d;
    (void)d.push(make_packet(1, 0, false, kSps), false);
    (void)d.push(make_packet(2, 0, false, kPps), false);
    ASSERT_TRUE(d.push(make_packet(3, 0, true, kIdr), false));
    EXPECT_FALSE(d.push(make_packet(4, 3000, false, hex("5c 81 9a")), false));  // FU-A start
    // seq 5 (middle) lost
    EXPECT_FALSE(d.push(make_packet(6, 3000, true, hex("5c 41 04")), true));
    EXPECT_EQ(d.counters().dropped_incomplete, 1u);
    EXPECT_TRUE(d.needs_keyframe());
    EXPECT_FALSE(d.push(make_packet(7, 6000, true, kSlice), false));
    EXPECT_EQ(d.counters().dropped_need_keyframe, 1u);
    auto f = d.push(make_packet(8, 9000, true, kIdr), false);
    ASSERT_TRUE(f);
    EXPECT_TRUE(f->keyframe);
    EXPECT_FALSE(d.needs_keyframe());
}

TEST(H264Depack, LostMarkerDropsTheAccessUnit) {
    H264Depacketizer d;
    (void)d.push(make_packet(1, 0, false, hex("78 0004 6742e01f 0004 68ce3c80")), false);
    ASSERT_TRUE(d.push(make_packet(2, 0, true, kIdr), false));
    EXPECT_FALSE(d.push(make_packet(3, 3000, false, kSlice), false));
    // The marker packet of ts 3000 never comes; the next timestamp starts without a gap flag.
    EXPECT_FALSE(d.push(make_packet(4, 6000, true, kSlice), false));
    EXPECT_EQ(d.counters().dropped_incomplete, 1u);
    EXPECT_EQ(d.counters().dropped_need_keyframe, 1u);
}

TEST(H264Depack, FuAWithoutStartOrEndBreaksTheAccessUnit) {
    H264Depacketizer d;
    (void)d.push(make_packet(1, 0, false, hex("78 0004 6742e01f 0004 68ce3c80")), false);
    EXPECT_FALSE(d.push(make_packet(2, 0, true, hex("7c 45 01")), false));  // end, no start
    EXPECT_EQ(d.counters().dropped_incomplete, 1u);
    EXPECT_FALSE(d.push(make_packet(3, 10, false, hex("7c 85 01")), false));
    EXPECT_FALSE(d.push(make_packet(4, 10, true, kSlice), false));  // marker mid-FU
    EXPECT_EQ(d.counters().dropped_incomplete, 2u);
    EXPECT_FALSE(d.push(make_packet(5, 20, true, hex("7c c5 01")), false));  // S and E
    EXPECT_EQ(d.counters().malformed, 1u);
}

TEST(H264Depack, RejectsInterleavedAndMalformedPayloads) {
    H264Depacketizer d;
    for (std::uint8_t type : {25, 26, 27, 29}) {
        EXPECT_FALSE(d.push(
            make_packet(type, type, true, {static_cast<std::uint8_t>(0x60 | type), 0, 1}), false));
    }
    EXPECT_EQ(d.counters().unsupported, 4u);
    EXPECT_EQ(d.counters().dropped_incomplete, 4u);
    EXPECT_FALSE(d.push(make_packet(30, 100, true, hex("78 0005 6742")), false));  // short
    EXPECT_FALSE(d.push(make_packet(31, 200, true, hex("78 0000")), false));       // size 0
    EXPECT_FALSE(d.push(make_packet(32, 300, true, hex("e5 00")), false));         // F bit
    EXPECT_EQ(d.counters().malformed, 3u);
    EXPECT_EQ(d.counters().frames, 0u);
}

TEST(H264Depack, AnAccessUnitOverTheNalLimitIsDropped) {
    H264Depacketizer d;
    (void)d.push(make_packet(1, 0, false, hex("78 0004 6742e01f 0004 68ce3c80")), false);
    // kMaxNalsPerAccessUnit - 2 more slices fit; one past it breaks the access unit.
    std::uint16_t seq = 2;
    for (std::size_t i = 0; i + 2 < limits::kMaxNalsPerAccessUnit; ++i)
        (void)d.push(make_packet(seq++, 0, false, hex("65 88")), false);
    EXPECT_FALSE(d.push(make_packet(seq++, 0, true, hex("65 88")), false));
    EXPECT_EQ(d.counters().dropped_incomplete, 1u);
    // One fewer plays.
    (void)d.push(make_packet(seq++, 3000, false, hex("78 0004 6742e01f 0004 68ce3c80")), false);
    for (std::size_t i = 0; i + 3 < limits::kMaxNalsPerAccessUnit; ++i)
        (void)d.push(make_packet(seq++, 3000, false, hex("65 88")), false);
    EXPECT_TRUE(d.push(make_packet(seq++, 3000, true, hex("65 88")), false));
}

}  // namespace
}  // namespace nchat::webrtc
