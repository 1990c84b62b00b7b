#include "webrtc/opus_depacketizer.hpp"

#include <gtest/gtest.h>

#include "unit/testing/hex.hpp"
#include "unit/webrtc/rtp_test_util.hpp"
#include "webrtc/opus_packetizer.hpp"

namespace nchat::webrtc {
namespace {

using test::make_packet;
using testing::hex;

TEST(OpusDepack, EveryPacketIsAFrameExceptEmptyOnes) {
    OpusDepacketizer d;
    auto f = d.push(make_packet(1, 960, false, hex("fc ff fe")), false);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->data, hex("fcfffe"));
    EXPECT_EQ(f->rtp_timestamp, 960u);
    EXPECT_TRUE(f->keyframe);
    EXPECT_FALSE(d.push(make_packet(2, 1920, false, {}), false));
    auto g = d.push(make_packet(4, 3840, false, hex("fc")), true);  // after a loss: still plays
    ASSERT_TRUE(g);
    EXPECT_EQ(d.counters().frames, 2u);
    EXPECT_EQ(d.counters().dropped_incomplete, 1u);
}

TEST(OpusPacketizer, RoundTrips) {
    const auto frame = hex("fc 0102");
    const Payload p = packetize_opus(frame);
    EXPECT_FALSE(p.marker);
    OpusDepacketizer d;
    auto f = d.push(make_packet(7, 48000, p.marker, p.bytes), false);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->data, frame);
}

}  // namespace
}  // namespace nchat::webrtc
