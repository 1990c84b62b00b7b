#include "live/live_stream.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "live/registry.hpp"

namespace nchat::live {
namespace {

struct Recorder : Consumer {
    std::vector<std::string> events;
    std::vector<std::int64_t> dts;
    void on_tracks(const std::vector<media::TrackInfo>& t) override {
        events.push_back("tracks:" + std::to_string(t.size()));
    }
    void on_packet(const media::MediaPacket& p) override {
        events.push_back(p.keyframe ? "K" : "p");
        dts.push_back(p.dts);
    }
    void on_discontinuity() override { events.push_back("discontinuity"); }
    void on_end() override { events.push_back("end"); }
};

std::vector<media::TrackInfo> av_tracks() {
    media::TrackInfo v;
    v.kind = media::TrackKind::video;
    media::TrackInfo a;
    a.kind = media::TrackKind::audio;
    a.codec = media::Codec::aac;
    return {v, a};
}

media::MediaPacket packet(std::uint32_t track, std::int64_t dts, bool key) {
    return {track, dts, dts, key, std::make_shared<const std::vector<std::uint8_t>>(10, 0)};
}

TEST(LiveStream, LateConsumerStartsOnTheLastKeyframe) {
    boost::asio::io_context ioc;
    auto s =
        std::make_shared<LiveStream>(ioc.get_executor(), "s1", std::chrono::seconds(10), nullptr);
    s->publisher_started();
    s->publish_tracks(av_tracks());
    s->publish_packet(packet(0, 0, true));
    s->publish_packet(packet(0, 1, false));
    s->publish_packet(packet(0, 2, true));  // the GOP restarts here
    s->publish_packet(packet(1, 3, true));  // audio
    s->publish_packet(packet(0, 4, false));
    auto late = std::make_shared<Recorder>();
    s->add_consumer(late);
    s->publish_packet(packet(0, 5, false));
    ioc.run();
    EXPECT_EQ(late->events, (std::vector<std::string>{"tracks:2", "K", "K", "p", "p"}));
    EXPECT_EQ(late->dts, (std::vector<std::int64_t>{2, 3, 4, 5}));
    EXPECT_EQ(s->stats().keyframes, 2u);
}

TEST(LiveStream, ReconnectWithinGraceIsOneStreamWithADiscontinuity) {
    boost::asio::io_context ioc;
    std::vector<std::string> ended;
    Registry reg(ioc.get_executor(), std::chrono::milliseconds(50),
                 [&](const std::string& id) { ended.push_back(id); });
    auto first = reg.claim("s1", 1);
    ASSERT_TRUE(first);
    EXPECT_FALSE(reg.claim("s1", 2)) << "a second publisher is refused while the first is live";
    auto rec = std::make_shared<Recorder>();
    first->add_consumer(rec);
    first->publish_tracks(av_tracks());
    reg.release("s1", 1);
    auto again = reg.claim("s1", 2);  // within the grace period
    ASSERT_EQ(again, first);
    ioc.poll();
    EXPECT_EQ(rec->events, (std::vector<std::string>{"tracks:2", "discontinuity"}));
    EXPECT_TRUE(ended.empty());

    reg.release("s1", 2);
    ioc.restart();  // poll() above ran out of work and stopped the context
    ioc.run();      // the grace timer runs out
    EXPECT_EQ(ended, (std::vector<std::string>{"s1"}));
    EXPECT_EQ(rec->events.back(), "end");
    EXPECT_EQ(reg.size(), 0u);
    EXPECT_TRUE(first->ended());
    // After the end, the same id starts a new stream.
    auto fresh = reg.claim("s1", 3);
    ASSERT_TRUE(fresh);
    EXPECT_NE(fresh, first);
}

TEST(LiveStream, GopCacheIsBounded) {
    boost::asio::io_context ioc;
    auto s =
        std::make_shared<LiveStream>(ioc.get_executor(), "s", std::chrono::seconds(1), nullptr);
    s->publish_tracks(av_tracks());
    s->publish_packet(packet(0, 0, true));
    for (int i = 1; i < 5000; ++i)
        s->publish_packet(packet(0, i, false));  // keyframe never comes
    auto late = std::make_shared<Recorder>();
    s->add_consumer(late);
    ioc.run();
    EXPECT_GE(s->stats().gop_overflows, 1u);
    EXPECT_LT(late->events.size(), 5000u);
}

TEST(LiveStream, EndedByTheApiEndsConsumersAtOnce) {
    boost::asio::io_context ioc;
    std::vector<std::string> ended;
    Registry reg(ioc.get_executor(), std::chrono::hours(1),
                 [&](const std::string& id) { ended.push_back(id); });
    auto s = reg.claim("s9", 7);
    auto rec = std::make_shared<Recorder>();
    s->add_consumer(rec);
    reg.end("s9");
    ioc.run();
    EXPECT_EQ(ended, (std::vector<std::string>{"s9"}));
    EXPECT_EQ(rec->events, (std::vector<std::string>{"end"}));
    EXPECT_EQ(reg.find("s9"), nullptr);
}

}  // namespace
}  // namespace nchat::live
