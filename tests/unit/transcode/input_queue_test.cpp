#include "transcode/detail/input_queue.hpp"

#include <gtest/gtest.h>

namespace nchat::transcode::detail {
namespace {

using Bytes = std::vector<std::uint8_t>;

media::MediaPacket video(std::int64_t dts, bool key, bool disposable = false) {
    media::MediaPacket p;
    p.dts = p.pts = dts;
    p.keyframe = key;
    // one slice: IDR (0x65), reference P (0x41) or non-reference B (0x01)
    const std::uint8_t nal = key ? 0x65 : disposable ? 0x01 : 0x41;
    p.data = std::make_shared<const Bytes>(Bytes{0, 0, 0, 2, nal, 0x80});
    return p;
}

media::MediaPacket audio(std::int64_t dts) {
    media::MediaPacket p;
    p.track = 1;
    p.dts = p.pts = dts;
    p.keyframe = true;
    p.data = std::make_shared<const Bytes>(Bytes(100, 0));
    return p;
}

TEST(TranscodeInputQueue, NeverHoldsMoreThanItsBound) {
    InputQueue q(8, 1 << 20);
    const auto now = SteadyClock::now();
    for (int i = 0; i < 100; ++i) {
        q.push_packet(i % 10 == 0 ? video(i, true) : video(i, false), true, now);
        q.push_packet(audio(i), false, now);
        EXPECT_LE(q.depth(), 8u);
    }
    EXPECT_EQ(q.counters().max_depth, 8u);
    EXPECT_GT(q.counters().dropped_video + q.counters().dropped_audio, 0u);
}

TEST(TranscodeInputQueue, DropsDisposableFramesFirstThenVideoUpToTheNextKeyframe) {
    InputQueue q(8, 1 << 20);
    const auto now = SteadyClock::now();
    q.push_packet(video(0, true), true, now);
    for (int i = 1; i < 8; ++i)
        q.push_packet(video(i, false, i % 2 == 0), true, now);  // 3 disposable among them
    ASSERT_EQ(q.depth(), 8u);
    // Full: a reference frame evicts the newest disposable one.
    EXPECT_TRUE(q.push_packet(video(8, false), true, now));
    EXPECT_EQ(q.counters().dropped_video, 1u);
    // An incoming disposable frame is itself dropped.
    EXPECT_FALSE(q.push_packet(video(9, false, true), true, now));
    EXPECT_TRUE(q.push_packet(video(10, false), true, now));
    EXPECT_TRUE(q.push_packet(video(11, false), true, now));
    // No disposable left: the reference frame is dropped, and so is everything after it
    // until a keyframe, even once there is room again.
    EXPECT_FALSE(q.push_packet(video(12, false), true, now));
    for (int i = 0; i < 4; ++i)
        q.pop(std::chrono::milliseconds(0));
    EXPECT_FALSE(q.push_packet(video(13, false), true, now));
    EXPECT_TRUE(q.push_packet(audio(13), false, now));  // audio is not part of the gap
    EXPECT_TRUE(q.push_packet(video(14, true), true, now));
    EXPECT_TRUE(q.push_packet(video(15, false), true, now));
}

TEST(TranscodeInputQueue, ControlItemsAreNeverDroppedAndTracksMerge) {
    InputQueue q(8, 1 << 20);
    const auto now = SteadyClock::now();
    for (int i = 0; i < 8; ++i)
        q.push_packet(audio(i), false, now);
    InputItem t;
    t.kind = InputItem::Kind::tracks;
    t.tracks = std::make_shared<TracksChange>();
    q.push_control(t);
    InputItem t2;
    t2.kind = InputItem::Kind::tracks;
    t2.tracks = std::make_shared<TracksChange>();
    t2.tracks->source.resize(2);
    q.push_control(t2);  // merged into the first: still one tracks item
    InputItem end;
    end.kind = InputItem::Kind::end;
    q.push_control(end);
    int tracks = 0;
    int ends = 0;
    while (auto it = q.pop(std::chrono::milliseconds(0))) {
        if (it->kind == InputItem::Kind::tracks) {
            ++tracks;
            EXPECT_EQ(it->tracks->source.size(), 2u);
        }
        ends += it->kind == InputItem::Kind::end;
    }
    EXPECT_EQ(tracks, 1);
    EXPECT_EQ(ends, 1);
}

}  // namespace
}  // namespace nchat::transcode::detail
