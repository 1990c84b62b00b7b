#include "webrtc/receive_stats.hpp"

#include <gtest/gtest.h>

namespace nchat::webrtc {
namespace {

using namespace std::chrono_literals;
const ReceiveStats::Clock::time_point t0{};

TEST(RtcpReceiveStats, CountsLossPerIntervalAndCumulatively) {
    ReceiveStats s(42);
    for (std::uint16_t seq = 100; seq < 110; ++seq) {
        if (seq != 103) s.on_packet(seq, seq * 3000u, seq * 3000u, 1000);
    }
    EXPECT_EQ(s.packets(), 9u);
    EXPECT_EQ(s.bytes(), 9000u);
    EXPECT_EQ(s.expected(), 10);
    EXPECT_EQ(s.lost(), 1);
    auto b = s.make_report_block(t0);
    EXPECT_EQ(b.ssrc, 42u);
    EXPECT_EQ(b.fraction_lost, 25);  // 256 / 10
    EXPECT_EQ(b.cumulative_lost, 1);
    EXPECT_EQ(b.highest_seq, 109u);
    EXPECT_EQ(b.jitter, 0u);
    EXPECT_EQ(b.lsr, 0u);
    s.on_packet(110, 0, 0, 10);
    b = s.make_report_block(t0);
    EXPECT_EQ(b.fraction_lost, 0);
    EXPECT_EQ(b.cumulative_lost, 1);
    s.on_packet(103, 0, 0, 10);  // late: cumulative loss goes back down
    EXPECT_EQ(s.make_report_block(t0).cumulative_lost, 0);
}

TEST(RtcpReceiveStats, ExtendsTheHighestSeqAcrossTheWrap) {
    ReceiveStats s(1);
    for (std::uint16_t seq : {65534, 65535, 0, 1})
        s.on_packet(seq, 0, 0, 1);
    const auto b = s.make_report_block(t0);
    EXPECT_EQ(b.highest_seq, 65536u + 1);
    EXPECT_EQ(b.cumulative_lost, 0);
}

TEST(RtcpReceiveStats, RestartsAfterTwoPacketsOfAJump) {
    ReceiveStats s(1);
    s.on_packet(10, 0, 0, 1);
    s.on_packet(11, 0, 0, 1);
    s.on_packet(40000, 0, 0, 1);  // ignored: might be garbage
    EXPECT_EQ(s.packets(), 2u);
    s.on_packet(40001, 0, 0, 1);  // follows it: a new sequence
    EXPECT_EQ(s.packets(), 1u);
    EXPECT_EQ(s.make_report_block(t0).highest_seq, 40001u);
}

TEST(RtcpReceiveStats, JitterFollowsTransitTimeChanges) {
    ReceiveStats s(1);
    for (std::uint32_t i = 0; i < 200; ++i) {
        const std::uint32_t ts = 3000 * i;
        s.on_packet(static_cast<std::uint16_t>(i), ts, ts + 1000 + (i % 2 ? 90 : 0), 1);
    }
    // |D| is 90 every packet: J converges on 90.
    EXPECT_GE(s.jitter(), 85u);
    EXPECT_LE(s.jitter(), 90u);
}

TEST(RtcpReceiveStats, ReportsLsrAndDlsr) {
    ReceiveStats s(1);
    s.on_packet(1, 0, 0, 1);
    s.on_sender_report(0x0000aaaabbbb0000ull, t0 + 1s);
    const auto b = s.make_report_block(t0 + 1500ms);
    EXPECT_EQ(b.lsr, 0xaaaabbbbu);
    EXPECT_EQ(b.dlsr, 32768u);  // 0.5 s in 1/65536 s
}

}  // namespace
}  // namespace nchat::webrtc
