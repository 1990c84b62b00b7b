// The bounded queue between a WHEP feed's two strands: frames come out oldest first; at the
// bound the oldest whole frame is dropped and counted (video and audio apart), never the
// newest and never by waiting; the consumer is woken once per idle period.
#include "play/whep/frame_queue.hpp"

#include <gtest/gtest.h>

namespace nchat::play::whep {
namespace {

// A frame of `packets` packets whose first RTP timestamp is `ts` (to tell frames apart).
QueuedFrame frame(std::uint32_t ts, bool video, std::size_t packets = 3) {
    QueuedFrame f;
    f.video = video;
    for (std::size_t i = 0; i < packets; ++i)
        f.packets.push_back(
            {std::make_shared<const std::vector<std::uint8_t>>(12, 0), video, false, ts});
    return f;
}

TEST(FrameQueue, GivesFramesOldestFirstAndWakesTheConsumerOncePerIdlePeriod) {
    FrameQueue q(4);
    EXPECT_TRUE(q.push(frame(1, true)));    // idle consumer: post a turn
    EXPECT_FALSE(q.push(frame(2, false)));  // a turn is already coming
    auto a = q.pop();
    ASSERT_TRUE(a);
    EXPECT_EQ(a->packets.front().rtp_timestamp, 1u);
    EXPECT_TRUE(a->video);
    EXPECT_EQ(a->packets.size(), 3u);
    auto b = q.pop();
    ASSERT_TRUE(b);
    EXPECT_EQ(b->packets.front().rtp_timestamp, 2u);
    EXPECT_FALSE(q.pop());                // empty: the consumer goes idle
    EXPECT_TRUE(q.push(frame(3, true)));  // so the next push wakes it again
    EXPECT_FALSE(q.push(frame(4, true)));
    EXPECT_EQ(q.stats().pushed, 4u);
    EXPECT_EQ(q.stats().dropped_video + q.stats().dropped_audio, 0u);
}

TEST(FrameQueue, AtTheBoundDropsTheOldestWholeFrameAndCountsIt) {
    FrameQueue q(3);
    q.push(frame(1, true));   // dropped
    q.push(frame(2, false));  // dropped
    q.push(frame(3, true));
    q.push(frame(4, true));
    q.push(frame(5, false));
    const auto st = q.stats();
    EXPECT_EQ(st.dropped_video, 1u);
    EXPECT_EQ(st.dropped_audio, 1u);
    EXPECT_EQ(st.max_depth, 3u);  // never more than the bound
    const auto dropped = q.take_dropped();
    EXPECT_EQ(dropped.video, 1u);
    EXPECT_EQ(dropped.audio, 1u);
    // Taken once: the viewers are told of each drop once.
    const auto again = q.take_dropped();
    EXPECT_EQ(again.video + again.audio, 0u);
    // What is left is the newest frames, whole and in order.
    for (std::uint32_t ts : {3u, 4u, 5u}) {
        auto f = q.pop();
        ASSERT_TRUE(f);
        EXPECT_EQ(f->packets.front().rtp_timestamp, ts);
        EXPECT_EQ(f->packets.size(), 3u);
    }
    EXPECT_FALSE(q.pop());
    EXPECT_EQ(q.stats().dropped_video, 1u);  // the totals stay for the health
}

TEST(FrameQueue, AConsumerThatNeverComesKeepsOnlyTheBound) {
    FrameQueue q(32);
    for (std::uint32_t i = 0; i < 1000; ++i)
        q.push(frame(i, i % 3 == 0));
    const auto st = q.stats();
    EXPECT_EQ(st.max_depth, 32u);
    EXPECT_EQ(st.dropped_video + st.dropped_audio, 1000u - 32u);
    auto f = q.pop();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->packets.front().rtp_timestamp, 1000u - 32u);
}

}  // namespace
}  // namespace nchat::play::whep
