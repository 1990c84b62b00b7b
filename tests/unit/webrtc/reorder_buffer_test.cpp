#include "webrtc/reorder_buffer.hpp"

#include <gtest/gtest.h>

#include "unit/webrtc/rtp_test_util.hpp"
#include "webrtc/limits.hpp"

namespace nchat::webrtc {
namespace {

using namespace std::chrono_literals;
using test::make_packet;
using Time = ReorderBuffer::Clock::time_point;

const Time t0{};

void push(ReorderBuffer& b, std::uint16_t seq, Time now = t0) {
    b.push(make_packet(seq, seq * 10u, false, {0x01, static_cast<std::uint8_t>(seq)}), now);
}

// "seq" or "seq*" (gap before) for each released packet.
std::string released(const std::vector<ReorderBuffer::Released>& r) {
    std::string s;
    for (const auto& x : r)
        s += std::to_string(x.packet.sequence) + (x.gap_before ? "* " : " ");
    return s;
}

TEST(ReorderBuffer, InOrderPacketsPassStraightThrough) {
    ReorderBuffer b;
    push(b, 1);
    push(b, 2);
    EXPECT_EQ(released(b.pop(t0)), "1 2 ");
    push(b, 3);
    EXPECT_EQ(released(b.pop(t0)), "3 ");
    EXPECT_EQ(b.counters().released, 3u);
}

TEST(ReorderBuffer, ReordersWithoutGaps) {
    ReorderBuffer b;
    push(b, 1);
    push(b, 3);
    EXPECT_EQ(released(b.pop(t0)), "1 ");
    push(b, 2, t0 + 5ms);
    EXPECT_EQ(released(b.pop(t0 + 5ms)), "2 3 ");
    EXPECT_EQ(b.counters().lost, 0u);
    EXPECT_EQ(b.missing(), 0u);
}

TEST(ReorderBuffer, GivesUpOnAHoleAfterTheWaitAndFlagsTheGap) {
    ReorderBuffer b;
    push(b, 1);
    push(b, 4);
    push(b, 5);
    EXPECT_EQ(released(b.pop(t0 + 39ms)), "1 ");
    EXPECT_EQ(released(b.pop(t0 + 40ms)), "4* 5 ");
    EXPECT_EQ(b.counters().lost, 2u);
    EXPECT_EQ(b.missing(), 0u);
    push(b, 2, t0 + 41ms);  // given up: too late now
    EXPECT_EQ(b.counters().too_late, 1u);
    EXPECT_TRUE(b.pop(t0 + 41ms).empty());
}

TEST(ReorderBuffer, WaitFollowsTheRtt) {
    ReorderBuffer b;
    EXPECT_EQ(b.gap_wait(), 40ms);
    b.set_rtt(100ms);
    EXPECT_EQ(b.gap_wait(), 200ms);
    b.set_rtt(1s);
    EXPECT_EQ(b.gap_wait(), 250ms);
    b.set_rtt(100ms);
    push(b, 1);
    push(b, 3);
    EXPECT_EQ(released(b.pop(t0 + 199ms)), "1 ");
    EXPECT_EQ(released(b.pop(t0 + 200ms)), "3* ");
}

TEST(ReorderBuffer, CountsDuplicates) {
    ReorderBuffer b;
    push(b, 1);
    push(b, 3);
    push(b, 3);
    EXPECT_EQ(b.counters().duplicates, 1u);
    EXPECT_EQ(released(b.pop(t0)), "1 ");
    push(b, 1);
    EXPECT_EQ(b.counters().too_late, 1u);
}

TEST(ReorderBuffer, HandlesTheWrapAt65535) {
    ReorderBuffer b;
    push(b, 65534);
    push(b, 0);
    push(b, 65535);
    push(b, 1);
    EXPECT_EQ(released(b.pop(t0)), "65534 65535 0 1 ");
    EXPECT_EQ(b.counters().lost, 0u);
}

TEST(ReorderBuffer, NacksEachMissingPacketEveryRttAtMostThreeTimes) {
    ReorderBuffer b;
    push(b, 10);
    push(b, 13);
    using V = std::vector<std::uint16_t>;
    EXPECT_EQ(b.nacks_due(t0, 50ms), (V{11, 12}));
    EXPECT_EQ(b.nacks_due(t0 + 10ms, 50ms), V{});
    EXPECT_EQ(b.nacks_due(t0 + 50ms, 50ms), (V{11, 12}));
    push(b, 11, t0 + 60ms);
    EXPECT_EQ(b.counters().recovered, 1u);
    EXPECT_EQ(b.nacks_due(t0 + 100ms, 50ms), V{12});
    EXPECT_EQ(b.nacks_due(t0 + 150ms, 50ms), V{});  // tried 3 times
    EXPECT_EQ(b.counters().nacks, 5u);
    EXPECT_EQ(released(b.pop(t0 + 99ms)), "10 11 ");  // wait is 2 x 50 ms
    EXPECT_EQ(released(b.pop(t0 + 100ms)), "13* ");
    EXPECT_EQ(b.missing(), 0u);
}

TEST(ReorderBuffer, NacksAcrossTheWrap) {
    ReorderBuffer b;
    push(b, 65534);
    push(b, 1);
    EXPECT_EQ(b.nacks_due(t0, 0ms), (std::vector<std::uint16_t>{65535, 0}));
}

TEST(ReorderBuffer, ResyncsOnAJumpAhead) {
    ReorderBuffer b;
    push(b, 10);
    push(b, 12);
    push(b, 20000);
    EXPECT_EQ(b.counters().resyncs, 1u);
    EXPECT_EQ(b.missing(), 0u);
    EXPECT_EQ(released(b.pop(t0)), "10 12* 20000* ");
    push(b, 20001);
    EXPECT_EQ(released(b.pop(t0)), "20001 ");
}

TEST(ReorderBuffer, ResyncsWhenTwoPacketsInARowAreFarBehind) {
    ReorderBuffer b;
    push(b, 5000);
    EXPECT_EQ(released(b.pop(t0)), "5000 ");
    push(b, 100);
    EXPECT_EQ(b.counters().too_late, 1u);
    EXPECT_TRUE(b.pop(t0).empty());
    push(b, 101);
    EXPECT_EQ(b.counters().resyncs, 1u);
    EXPECT_EQ(released(b.pop(t0)), "101* ");
    push(b, 102);
    EXPECT_EQ(released(b.pop(t0)), "102 ");
}

TEST(ReorderBuffer, ReleasesEarlyWhenFull) {
    ReorderBuffer b;
    push(b, 0);
    (void)b.pop(t0);
    // seq 1 missing; fill the buffer behind it.
    for (std::size_t i = 0; i < limits::kMaxReorderPackets + 1; ++i)
        push(b, static_cast<std::uint16_t>(2 + i));
    EXPECT_LE(b.size(), limits::kMaxReorderPackets);
    EXPECT_GE(b.counters().overflows, 1u);
    auto out = b.pop(t0);
    ASSERT_EQ(out.size(), limits::kMaxReorderPackets + 1);
    EXPECT_TRUE(out[0].gap_before);
    EXPECT_EQ(out[0].packet.sequence, 2);
    EXPECT_FALSE(out[1].gap_before);
    EXPECT_EQ(b.counters().lost, 1u);
}

}  // namespace
}  // namespace nchat::webrtc
