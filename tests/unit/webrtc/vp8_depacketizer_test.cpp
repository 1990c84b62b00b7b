#include "webrtc/vp8_depacketizer.hpp"

#include <gtest/gtest.h>

#include "unit/testing/hex.hpp"
#include "unit/webrtc/rtp_test_util.hpp"

namespace nchat::webrtc {
namespace {

using test::make_packet;
using testing::Bytes;
using testing::hex;

// A keyframe's first 10 bytes: frame tag (P=0), start code, 640x480 (scale 0).
const Bytes kKeyHeader = hex("50 42 00 9d012a 8002 e001");

Bytes cat(const Bytes& a, const Bytes& b) {
    Bytes out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

TEST(Vp8Depack, KeyframeAcrossPacketsWithExtendedDescriptor) {
    Vp8Depacketizer d;
    // X=1 S=1 PID=0 | I=1 L=1 T=1 | M=1 PictureID 0x1234 | TL0PICIDX | TID/Y/KEYIDX
    auto first = make_packet(1, 9000, false, cat(hex("90 e0 9234 05 40"), kKeyHeader));
    EXPECT_FALSE(d.push(first, false));
    auto f = d.push(make_packet(2, 9000, true, hex("80 80 12 aabbcc")), false);  // 7-bit PID
    ASSERT_TRUE(f);
    EXPECT_TRUE(f->keyframe);
    EXPECT_EQ(f->width, 640u);
    EXPECT_EQ(f->height, 480u);
    EXPECT_EQ(f->rtp_timestamp, 9000u);
    EXPECT_EQ(f->data, cat(kKeyHeader, hex("aabbcc")));
    EXPECT_FALSE(d.needs_keyframe());
    // A delta frame (P=1) in one packet, minimal descriptor.
    auto g = d.push(make_packet(3, 12000, true, hex("10 01 02 03")), false);
    ASSERT_TRUE(g);
    EXPECT_FALSE(g->keyframe);
    EXPECT_EQ(g->data, hex("010203"));
}

TEST(Vp8Depack, DeltaFramesWaitForAKeyframe) {
    Vp8Depacketizer d;
    EXPECT_FALSE(d.push(make_packet(1, 0, true, hex("10 01 02")), false));
    EXPECT_EQ(d.counters().dropped_need_keyframe, 1u);
    EXPECT_TRUE(d.push(make_packet(2, 3000, true, cat(hex("10"), kKeyHeader)), false));
}

TEST(Vp8Depack, LossInsideAFrameDropsItUntilTheNextKeyframe) {
    Vp8Depacketizer d;
    ASSERT_TRUE(d.push(make_packet(1, 0, true, cat(hex("10"), kKeyHeader)), false));
    EXPECT_FALSE(d.push(make_packet(2, 3000, false, hex("10 01")), false));
    EXPECT_FALSE(d.push(make_packet(4, 3000, true, hex("00 02")), true));  // 3 lost
    EXPECT_EQ(d.counters().dropped_incomplete, 1u);
    EXPECT_TRUE(d.needs_keyframe());
    // A whole delta frame after a loss before its start: still waits for a keyframe.
    EXPECT_FALSE(d.push(make_packet(5, 6000, true, hex("10 01")), false));
    // A frame whose start was lost.
    EXPECT_FALSE(d.push(make_packet(7, 9000, true, hex("00 02")), true));
    EXPECT_EQ(d.counters().dropped_incomplete, 2u);
    // A keyframe right after a loss is whole: it plays.
    auto f = d.push(make_packet(9, 12000, true, cat(hex("10"), kKeyHeader)), true);
    ASSERT_TRUE(f);
    EXPECT_TRUE(f->keyframe);
}

TEST(Vp8Depack, RejectsBadKeyframeHeadersAndDescriptors) {
    Vp8Depacketizer d;
    EXPECT_FALSE(d.push(make_packet(1, 0, true, hex("10 50 42 00 9d 01 2b 8002 e001")), false));
    EXPECT_FALSE(d.push(make_packet(2, 10, true, hex("10 50 42")), false));  // short
    EXPECT_FALSE(d.push(make_packet(3, 20, true, hex("90 80")), false));     // I without PID
    EXPECT_FALSE(d.push(make_packet(4, 30, true, hex("10")), false));        // no frame tag
    EXPECT_EQ(d.counters().malformed, 4u);
    EXPECT_EQ(d.counters().frames, 0u);
}

}  // namespace
}  // namespace nchat::webrtc
