#include "webrtc/transport_cc.hpp"

#include <gtest/gtest.h>

#include "unit/testing/hex.hpp"
#include "webrtc/limits.hpp"

namespace nchat::webrtc {
namespace {

using testing::Bytes;
using testing::hex;
using D = std::optional<std::int16_t>;

TransportFeedback parse_one(const Bytes& b) {
    auto r = parse_rtcp(b);
    EXPECT_TRUE(r) << r.error().message();
    if (!r || r->size() != 1) return {};
    return std::get<TransportFeedback>(r->front());
}

TEST(TransportCcBuild, TwoBitVectorLargeDeltaAndPadding) {
    const D deltas[] = {D{4}, std::nullopt, D{-4}};
    const Bytes b = build_transport_feedback(1, 2, 10, 1, 5, deltas);
    EXPECT_EQ(b, hex("af cd 0006"  // V=2 P=1 FMT=15, RTPFB, 7 words
                     "00000001 00000002"
                     "000a 0003"  // base seq 10, 3 statuses
                     "000001 05"  // reference time 64 ms, feedback count 5
                     "d200"       // 2-bit vector: small, not received, large
                     "04 fffc"    // +1 ms, -1 ms
                     "000003"));  // padding
    const auto tf = parse_one(b);
    EXPECT_EQ(tf.base_seq, 10);
    EXPECT_EQ(tf.status_count, 3);
    EXPECT_EQ(tf.reference_time, 1);
    EXPECT_EQ(tf.feedback_count, 5);
    using R = TransportFeedback::Received;
    EXPECT_EQ(tf.received, (std::vector<R>{{10, 65000}, {12, 64000}}));
}

TEST(TransportCcBuild, RunLengthAndOneBitVectorChunks) {
    std::vector<D> deltas(20, D{1});
    for (int i = 0; i < 5; ++i)
        deltas.push_back(i % 2 ? D{2} : std::nullopt);
    const Bytes b = build_transport_feedback(1, 2, 65530, -1, 0, deltas);
    // After the 20-byte header: a run of 20 "small" (0 01 0000000010100), then a 1-bit
    // vector (1 0) of 0 1 0 1 0: bits 12 and 10.
    EXPECT_EQ(Bytes(b.begin() + 20, b.begin() + 24), hex("2014 9400"));
    const auto tf = parse_one(b);
    EXPECT_EQ(tf.reference_time, -1);
    EXPECT_EQ(tf.status_count, 25);
    ASSERT_EQ(tf.received.size(), 22u);
    EXPECT_EQ(tf.received[0].seq, 65530);
    EXPECT_EQ(tf.received[0].arrival_us, -64000 + 250);
    EXPECT_EQ(tf.received[20].seq, 65530 + 21 - 65536);
    EXPECT_EQ(tf.received[21].arrival_us, -64000 + 250 * 24);
}

TEST(TransportCcParse, RejectsShortAndReservedAndHuge) {
    EXPECT_FALSE(parse_rtcp(hex("8f cd 0003 00000001 00000002 000a 0001")));
    // 1 status, 2-bit vector with the reserved symbol 11.
    EXPECT_FALSE(parse_rtcp(hex("8f cd 0005 00000001 00000002 000a 0001 000001 00 f000 0000")));
    // A run-length chunk cannot make us walk past kMaxTwccStatuses.
    EXPECT_EQ(parse_rtcp(hex("8f cd 0004 00000001 00000002 000a ffff 000001 00 1fff 0000")).error(),
              rtp_error::too_large);
}

TEST(TransportCcRecorder, ReportsEveryArrivalAcrossTheWrapAndReordering) {
    TransportCcRecorder rec;
    // seq 65533..65535, 0..4; 65535 and 2 lost; 1 arrives before 0.
    const std::vector<std::pair<std::uint16_t, std::int64_t>> arrivals = {
        {65533, 1'000'000}, {65534, 1'001'130}, {1, 1'004'000},
        {0, 1'004'100},     {3, 1'020'000},     {4, 1'020'010}};
    for (auto [s, t] : arrivals)
        rec.record(s, t);
    const auto fbs = rec.take_feedback(7, 8);
    ASSERT_EQ(fbs.size(), 1u);
    const auto tf = parse_one(fbs[0]);
    EXPECT_EQ(tf.sender_ssrc, 7u);
    EXPECT_EQ(tf.media_ssrc, 8u);
    EXPECT_EQ(tf.base_seq, 65533);
    EXPECT_EQ(tf.status_count, 8);
    ASSERT_EQ(tf.received.size(), 6u);
    const std::uint16_t want_seq[] = {65533, 65534, 0, 1, 3, 4};
    for (std::size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(tf.received[i].seq, want_seq[i]);
        std::int64_t truth = 0;
        for (auto [s, t] : arrivals) {
            if (s == want_seq[i]) truth = t;
        }
        EXPECT_NEAR(static_cast<double>(tf.received[i].arrival_us), static_cast<double>(truth),
                    125.0);
    }
    EXPECT_TRUE(rec.take_feedback(7, 8).empty());
    rec.record(2, 1'030'000);  // reported lost already
    EXPECT_EQ(rec.counters().late, 1u);
    rec.record(5, 1'030'000);
    const auto next = rec.take_feedback(7, 8);
    ASSERT_EQ(next.size(), 1u);
    const auto tf2 = parse_one(next[0]);
    EXPECT_EQ(tf2.base_seq, 5);
    EXPECT_EQ(tf2.feedback_count, 1);
}

TEST(TransportCcRecorder, SplitsLongReportsAndLongPauses) {
    TransportCcRecorder rec;
    for (std::uint16_t s = 0; s < 1000; ++s)
        rec.record(s, 1000 * s);
    rec.record(1000, 1000 * 999 + 10'000'000);  // 10 s later: no 16-bit delta reaches it
    const auto fbs = rec.take_feedback(1, 2);
    ASSERT_EQ(fbs.size(), 4u);
    std::size_t total = 0;
    for (std::size_t i = 0; i < fbs.size(); ++i) {
        const auto tf = parse_one(fbs[i]);
        EXPECT_EQ(tf.feedback_count, i);
        EXPECT_LE(tf.status_count, limits::kMaxTwccPerFeedback);
        EXPECT_LE(fbs[i].size(), 1200u);
        total += tf.received.size();
    }
    EXPECT_EQ(total, 1001u);
    EXPECT_EQ(parse_one(fbs[3]).received.at(0).arrival_us, 1000 * 999 + 10'000'000);
}

TEST(TransportCcRecorder, BoundsTheRangeAfterAJump) {
    TransportCcRecorder rec;
    rec.record(0, 0);
    rec.record(20000, 1000);
    const auto fbs = rec.take_feedback(1, 2);
    std::size_t statuses = 0;
    for (const auto& b : fbs)
        statuses += parse_one(b).status_count;
    EXPECT_LE(statuses, limits::kMaxTwccRecorded);
    EXPECT_EQ(rec.counters().forgotten, 1u);
}

}  // namespace
}  // namespace nchat::webrtc
