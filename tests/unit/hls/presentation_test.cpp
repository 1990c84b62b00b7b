#include "hls/presentation.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "unit/hls/synthetic.hpp"

namespace nchat::hls {
namespace {

class FixedClock : public util::Clock {
public:
    std::chrono::steady_clock::time_point steady_now() const override { return {}; }
    util::Time now() const override {
        return util::Time{std::chrono::milliseconds(1'767'225'600'000)};
    }
};

// Feeds a packager the synthetic video of test::feed, through the live::Consumer interface.
void feed(Packager& p, double from, double to) {
    for (std::int64_t i = static_cast<std::int64_t>(from * 30); i < to * 30; ++i) {
        const std::int64_t dts = i * 3000;
        auto data = std::make_shared<const std::vector<std::uint8_t>>(
            std::vector<std::uint8_t>{0, 0, 0, 2, std::uint8_t(i >> 8), std::uint8_t(i)});
        p.on_packet(media::MediaPacket{0, dts, dts, i % 60 == 0, data});
    }
}

TEST(Presentation, LadderSharesMsnsListsEveryRenditionAndReportsSiblings) {
    boost::asio::io_context ioc;
    FixedClock clock;
    Presentation pres(ioc.get_executor(), clock, RenditionConfig{});
    auto hi = pres.add_rendition("720p");
    auto lo = pres.add_rendition("360p");
    EXPECT_EQ(pres.add_rendition("720p"), hi) << "same name, same packager";
    auto hi_track = test::video_track();
    hi_track.width = 1280;
    hi_track.height = 720;
    hi->on_tracks({hi_track});
    lo->on_tracks({test::video_track(24)});
    EXPECT_TRUE(pres.master_playlist().empty()) << "nothing to list before media";
    feed(*hi, 0, 6.05);
    EXPECT_FALSE(pres.all_have_segments());
    feed(*lo, 0, 6.05);
    EXPECT_TRUE(pres.all_have_segments());

    const std::string master = pres.master_playlist();
    const auto hi_at = master.find("RESOLUTION=1280x720");
    const auto lo_at = master.find("RESOLUTION=640x360,FRAME-RATE=24");
    ASSERT_NE(hi_at, std::string::npos) << master;
    ASSERT_NE(lo_at, std::string::npos) << master;
    EXPECT_LT(hi_at, lo_at) << "the best first";
    EXPECT_NE(master.find("\n720p/index.m3u8\n"), std::string::npos);
    EXPECT_NE(master.find("\n360p/index.m3u8\n"), std::string::npos);

    EXPECT_EQ(hi->rendition()->window().next_msn, lo->rendition()->window().next_msn);
    auto hi_playlist = pres.playlist(*hi, false);
    ASSERT_TRUE(hi_playlist);
    // Segments 0-2 complete, part 3.0 not yet made: the last part is seg2's sixth.
    EXPECT_NE(hi_playlist->find(
                  "#EXT-X-RENDITION-REPORT:URI=\"../360p/index.m3u8\",LAST-MSN=2,LAST-PART=5\n"),
              std::string::npos)
        << *hi_playlist;
    EXPECT_EQ(hi_playlist->find("../720p/"), std::string::npos) << "no report of itself";
    // Rendered once per change of any rendition.
    EXPECT_EQ(pres.playlist(*hi, false), hi_playlist);
    feed(*lo, 6.05, 6.5);
    EXPECT_NE(pres.playlist(*hi, false), hi_playlist) << "a sibling's new part changes the reports";
}

TEST(Presentation, AShedRenditionFollowsItsSiblingsWithGapsAndStaysListed) {
    boost::asio::io_context ioc;
    FixedClock clock;
    Presentation pres(ioc.get_executor(), clock, RenditionConfig{});
    auto hi = pres.add_rendition("720p");
    auto lo = pres.add_rendition("360p");
    hi->on_tracks({test::video_track()});
    lo->on_tracks({test::video_track()});
    feed(*hi, 0, 2.5);
    feed(*lo, 0, 2.5);
    lo->on_gap();  // shed: it catches up with its sibling at once
    EXPECT_EQ(lo->rendition()->window().next_part, hi->rendition()->window().next_part);
    int woken = 0;
    lo->add_waiter([&] { ++woken; });
    feed(*hi, 2.5, 5.05);
    EXPECT_GE(woken, 1) << "a blocked reload of the shed rendition hears of its gap parts";
    const Window& lw = lo->rendition()->window();
    const Window& hw = hi->rendition()->window();
    EXPECT_EQ(lw.next_msn, hw.next_msn);
    EXPECT_EQ(lw.next_part, hw.next_part);
    EXPECT_DOUBLE_EQ(lw.end, hw.end);
    auto text = pres.playlist(*lo, false);
    ASSERT_TRUE(text);
    EXPECT_NE(text->find(",GAP=YES\n"), std::string::npos);
    EXPECT_NE(text->find("GAP=YES\n#EXTINF:2.000,\nseg1.m4s"), std::string::npos) << *text;
    // The open segment of gap parts says EXT-X-GAP too, before its parts.
    EXPECT_NE(text->find("Z\n#EXT-X-GAP\n#EXT-X-PART:DURATION=0.333,URI=\"part2.0.m4s\",GAP=YES\n"),
              std::string::npos)
        << *text;
    // Still in the ladder a player reads once.
    EXPECT_NE(pres.master_playlist().find("\n360p/index.m3u8\n"), std::string::npos);
    // Back at the next boundary (6 s), in step with its sibling.
    feed(*hi, 5.05, 6.05);
    feed(*lo, 5.05, 7.05);
    feed(*hi, 6.05, 7.05);
    EXPECT_FALSE(lo->rendition()->in_gap());
    EXPECT_EQ(lw.next_msn, hw.next_msn);
    EXPECT_EQ(lw.next_part, hw.next_part);
    EXPECT_DOUBLE_EQ(lw.end, hw.end);
    EXPECT_FALSE(find_segment(lw, 3)->gap);
    EXPECT_TRUE(find_segment(lw, 2)->gap);
}

}  // namespace
}  // namespace nchat::hls
