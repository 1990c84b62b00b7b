#include "hls/detail/playlist.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "hls/detail/blocking.hpp"
#include "hls/detail/rendition.hpp"
#include "hls/detail/resource.hpp"
#include "unit/hls/synthetic.hpp"

namespace nchat::hls {
namespace {

using namespace std::chrono_literals;
using test::Feed;

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

std::size_t count_prefix(const std::string& text, std::string_view prefix) {
    std::size_t n = 0;
    for (const auto& l : lines(text))
        n += l.starts_with(prefix) ? 1 : 0;
    return n;
}

TEST(MediaPlaylist, GoldenSmallWindow) {
    Rendition r({test::video_track()}, {.segment_target = 1000ms});
    test::feed(r, Feed{.video = 0, .gop_seconds = 1}, 0, 2.4);
    PlaylistRequest req;
    req.reports.push_back({"../720p/index.m3u8", 2, 0});
    EXPECT_EQ(media_playlist(r.window(), req),
              "#EXTM3U\n"
              "#EXT-X-VERSION:9\n"
              "#EXT-X-TARGETDURATION:1\n"
              "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.002,CAN-SKIP-UNTIL=6\n"
              "#EXT-X-PART-INF:PART-TARGET=0.334\n"
              "#EXT-X-MEDIA-SEQUENCE:0\n"
              "#EXT-X-MAP:URI=\"init.mp4\"\n"
              "#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:00.000Z\n"
              "#EXT-X-PART:DURATION=0.333,URI=\"part0.0.m4s\",INDEPENDENT=YES\n"
              "#EXT-X-PART:DURATION=0.333,URI=\"part0.1.m4s\"\n"
              "#EXT-X-PART:DURATION=0.333,URI=\"part0.2.m4s\"\n"
              "#EXTINF:1.000,\n"
              "seg0.m4s\n"
              "#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:01.000Z\n"
              "#EXT-X-PART:DURATION=0.333,URI=\"part1.0.m4s\",INDEPENDENT=YES\n"
              "#EXT-X-PART:DURATION=0.333,URI=\"part1.1.m4s\"\n"
              "#EXT-X-PART:DURATION=0.333,URI=\"part1.2.m4s\"\n"
              "#EXTINF:1.000,\n"
              "seg1.m4s\n"
              "#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:02.000Z\n"
              "#EXT-X-PART:DURATION=0.333,URI=\"part2.0.m4s\",INDEPENDENT=YES\n"
              "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part2.1.m4s\"\n"
              "#EXT-X-RENDITION-REPORT:URI=\"../720p/index.m3u8\",LAST-MSN=2,LAST-PART=0\n");
    // Its own last part is part2.0, reported as the one before it (hls.js reads LAST-PART=0
    // as missing): seg1's last part, which exists.
    const RenditionReport own = rendition_report(r.window(), "../source/index.m3u8");
    EXPECT_EQ(own.last_msn, 1u);
    EXPECT_EQ(own.last_part, 2u);
}

TEST(RenditionReport, NamesTheLastPartExceptAPartZero) {
    Rendition r({test::video_track()});
    test::feed(r, Feed{.video = 0}, 0, 0.70);  // part0.0 and part0.1 of the first segment
    auto rep = rendition_report(r.window(), "x");
    EXPECT_EQ(rep.last_msn, 0u);
    EXPECT_EQ(rep.last_part, 1u);
    test::feed(r, Feed{.video = 0}, 0.70, 2.40);  // seg0 complete; part1.0 listed
    rep = rendition_report(r.window(), "x");
    EXPECT_EQ(rep.last_msn, 0u);
    EXPECT_EQ(rep.last_part, 5u);
    test::feed(r, Feed{.video = 0}, 2.40, 2.70);  // part1.1
    rep = rendition_report(r.window(), "x");
    EXPECT_EQ(rep.last_msn, 1u);
    EXPECT_EQ(rep.last_part, 1u);
}

TEST(MediaPlaylist, PartLinesOnlyWherePartsStartWithinThreeTargetDurations) {
    Rendition r({test::video_track()}, {.window_segments = 6});
    test::feed(r, Feed{.video = 0}, 0, 14.05);  // segments 0..6 complete, end 14 s
    std::string text = media_playlist(r.window(), {});
    EXPECT_EQ(count_prefix(text, "#EXTINF:2.000,"), 6u);  // the window: 1..6
    EXPECT_EQ(count_prefix(text, "#EXT-X-MEDIA-SEQUENCE:1"), 1u);
    // TD 2: segments starting within 6 s of the end (4, 5, 6) list their 6 parts each.
    EXPECT_EQ(count_prefix(text, "#EXT-X-PART:"), 18u);
    EXPECT_EQ(text.find("part3."), std::string::npos);
    EXPECT_NE(text.find("part4.0.m4s"), std::string::npos);
    EXPECT_EQ(count_prefix(text, "#EXT-X-PROGRAM-DATE-TIME:"), 7u);  // 6 + the open segment
    // One second later segment 4 (8-10 s) ends within 6 s but starts 7 s from the end: a
    // strict validator rejects a listed part older than 3×TD, so its parts go.
    test::feed(r, Feed{.video = 0}, 14.05, 15.05);
    text = media_playlist(r.window(), {});
    EXPECT_EQ(text.find("part4."), std::string::npos);
    EXPECT_NE(text.find("part5.0.m4s"), std::string::npos);
    EXPECT_EQ(count_prefix(text, "#EXT-X-PART:"), 6u + 6u + 3u);
}

TEST(MediaPlaylist, PrintedPartDurationsNeverExceedPartTarget) {
    for (const auto& [num, den] : {std::pair{30000, 1001}, {25, 1}, {30, 1}, {24000, 1001}}) {
        Rendition r({test::video_track(double(num) / den), test::audio_track()});
        test::feed(r, Feed{.video = 0, .audio = 1, .fps_num = num, .fps_den = den}, 0, 7.05);
        for (const auto& l : lines(media_playlist(r.window(), {}))) {
            if (!l.starts_with("#EXT-X-PART:DURATION=")) continue;
            EXPECT_LE(l.substr(21, 5), "0.334") << num << "/" << den << ": " << l;
        }
    }
}

TEST(MediaPlaylist, DeltaUpdateSkipsOldSegments) {
    Rendition r({test::video_track()}, {.window_segments = 20});
    test::feed(r, Feed{.video = 0}, 0, 30.05);  // segments 0..14 complete, end 30 s
    const std::string full = media_playlist(r.window(), {});
    EXPECT_EQ(lines(full)[1], "#EXT-X-VERSION:9");  // the same whether or not it skips
    const std::string delta = media_playlist(r.window(), {.skip = true});
    const auto l = lines(delta);
    // CAN-SKIP-UNTIL 12 s: segments ending at or before 18 s (0..8) are skipped.
    EXPECT_EQ(l[1], "#EXT-X-VERSION:9");
    EXPECT_EQ(l[5], "#EXT-X-MEDIA-SEQUENCE:0");
    EXPECT_EQ(l[6], "#EXT-X-SKIP:SKIPPED-SEGMENTS=9");
    EXPECT_EQ(l[7], "#EXT-X-MAP:URI=\"init.mp4\"");
    EXPECT_EQ(l[8], "#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:18.000Z");
    EXPECT_EQ(count_prefix(delta, "#EXTINF:"), 6u);
    EXPECT_EQ(delta.find("seg8.m4s"), std::string::npos);
    EXPECT_NE(delta.find("seg9.m4s"), std::string::npos);
}

TEST(MediaPlaylist, DiscontinuityAndNewMap) {
    Rendition r({test::video_track()}, {.window_segments = 2});
    test::feed(r, Feed{.video = 0}, 0, 4.05);
    r.discontinuity({test::video_track()});
    test::feed(r, Feed{.video = 0}, 0, 2.05);
    const std::string text = media_playlist(r.window(), {});
    const auto l = lines(text);
    // Segment 2 is the frame held back at 4.0 s plus the one after it, flushed.
    EXPECT_EQ(l[5], "#EXT-X-MEDIA-SEQUENCE:2");
    EXPECT_EQ(text.find("DISCONTINUITY-SEQUENCE"), std::string::npos);  // still 0
    EXPECT_NE(text.find("seg2.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init1.mp4\"\n"
                        "#EXT-X-PROGRAM-DATE-TIME:"),
              std::string::npos);
    // Once the segment before the discontinuity has left, the sequence number says it.
    test::feed(r, Feed{.video = 0}, 2.05, 6.05);
    const std::string later = media_playlist(r.window(), {});
    EXPECT_NE(later.find("#EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n"
                         "#EXT-X-MAP:URI=\"init1.mp4\"\n"),
              std::string::npos);
    EXPECT_EQ(count_prefix(later, "#EXT-X-DISCONTINUITY\n"), 0u);
}

TEST(MediaPlaylist, AShedRenditionListsGapsAndNoHintThenMediaAgain) {
    auto timeline = std::make_shared<Timeline>(2000ms);
    Rendition top({test::video_track()}, {}, timeline);
    Rendition low({test::video_track()}, {}, timeline);
    Feed f{.video = 0};
    test::feed(top, f, 0, 2.5);
    test::feed(low, f, 0, 2.5);
    low.start_gap();
    test::feed(top, f, 2.5, 5.05);
    EXPECT_TRUE(low.fill_gap(top.window()));
    std::string text = media_playlist(low.window(), {});
    // Segment 1: one part of media (2.0-2.333), then gaps where it had none.
    EXPECT_NE(text.find("#EXT-X-PART:DURATION=0.333,URI=\"part1.0.m4s\",INDEPENDENT=YES\n"
                        "#EXT-X-PART:DURATION=0.333,URI=\"part1.1.m4s\",GAP=YES\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("Z\n#EXT-X-GAP\n#EXT-X-PART:DURATION=0.333,URI=\"part1.0.m4s\","
                        "INDEPENDENT=YES\n"),
              std::string::npos)
        << "EXT-X-GAP before the parts, in the segment that began with media";
    EXPECT_NE(text.find("GAP=YES\n#EXTINF:2.000,\nseg1.m4s\n"), std::string::npos);
    EXPECT_EQ(text.find("PRELOAD-HINT"), std::string::npos) << "the next part is a gap too";
    EXPECT_EQ(count_prefix(text, "#EXT-X-GAP"), 2u) << "segment 1 and the open segment 2";
    EXPECT_EQ(find_resource(low.window(), "part1.1.m4s").status, Resource::Status::gap);
    EXPECT_EQ(find_resource(low.window(), "seg1.m4s").status, Resource::Status::gap);
    EXPECT_EQ(find_resource(low.window(), "part1.0.m4s").status, Resource::Status::found);
    // Media again at the next boundary the gap has not reached (6 s); the first frames, not
    // on a boundary, are dropped.
    test::feed(top, f, 5.05, 6.05);
    low.fill_gap(top.window());
    test::feed(low, f, 5.9, 7.05);
    test::feed(top, f, 6.05, 7.05);
    text = media_playlist(low.window(), {});
    EXPECT_FALSE(low.in_gap());
    EXPECT_NE(text.find("PRELOAD-HINT"), std::string::npos);
    EXPECT_EQ(text.find("#EXT-X-DISCONTINUITY"), std::string::npos) << "no reset";
    EXPECT_NE(text.find("GAP=YES\n#EXTINF:2.000,\nseg2.m4s\n#EXT-X-PROGRAM-DATE-TIME:"
                        "2026-01-01T00:00:06.000Z\n#EXT-X-PART:DURATION=0.333,URI=\"part3.0.m4s\","
                        "INDEPENDENT=YES\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(low.window().next_msn, top.window().next_msn);
    EXPECT_EQ(low.window().next_part, top.window().next_part);
}

TEST(MediaPlaylist, ARenditionShedAtABoundaryEndsItsSegmentWithMedia) {
    auto timeline = std::make_shared<Timeline>(2000ms);
    Rendition top({test::video_track()}, {}, timeline);
    Rendition low({test::video_track()}, {}, timeline);
    Feed f{.video = 0};
    test::feed(top, f, 0, 2.05);
    test::feed(low, f, 0, 2.0);  // its last frame (1.967 s) is held back, waiting for the next
    low.start_gap();             // shed at the IDR of 2.0 s
    test::feed(top, f, 2.05, 4.05);
    low.fill_gap(top.window());
    const std::string text = media_playlist(low.window(), {});
    const Segment& first = low.window().segments.front();
    EXPECT_FALSE(first.gap) << text;
    EXPECT_EQ(first.parts.size(), 6u);
    EXPECT_NEAR(first.duration, 2.0, 0.001);
    EXPECT_NE(text.find("#EXT-X-PART:DURATION=0.333,URI=\"part0.5.m4s\"\n#EXTINF:2.000,\nseg0.m4s\n"
                        "#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:02.000Z\n#EXT-X-GAP\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(find_resource(low.window(), "seg0.m4s").status, Resource::Status::found);
}

TEST(MediaPlaylist, AShedRenditionKeepsItsLastSegmentWithMediaListed) {
    auto timeline = std::make_shared<Timeline>(2000ms);
    Rendition top({test::video_track()}, {}, timeline);
    Rendition low({test::video_track()}, {}, timeline);
    Feed f{.video = 0};
    test::feed(top, f, 0, 2.5);
    test::feed(low, f, 0, 2.5);
    low.start_gap();
    test::feed(top, f, 2.5, 40.05);
    low.fill_gap(top.window());
    const Window& w = low.window();
    // Segment 0 had media; 1 to 19 are gaps. A player (Shaka) gives up on a playlist of gaps
    // only, so segment 0 stays listed beyond the 12-segment window while the gap lasts.
    EXPECT_EQ(w.segments[w.first_listed].msn, 0u);
    EXPECT_FALSE(w.segments[w.first_listed].gap);
    EXPECT_EQ(top.window().segments[top.window().first_listed].msn, 8u);
    // Media back: the window slides on at once.
    test::feed(top, f, 40.05, 42.05);
    low.fill_gap(top.window());
    test::feed(low, f, 41.9, 42.05);
    test::feed(top, f, 42.05, 42.5);
    test::feed(low, f, 42.05, 42.5);
    EXPECT_FALSE(low.in_gap());
    EXPECT_EQ(w.segments[w.first_listed].msn, top.window().segments[top.window().first_listed].msn);
}

TEST(MediaPlaylist, EndedPlaylistHasEndlistAndNoHint) {
    Rendition r({test::video_track()});
    test::feed(r, Feed{.video = 0}, 0, 3.0);
    r.finish();
    const std::string text = media_playlist(r.window(), {});
    EXPECT_TRUE(text.ends_with("seg1.m4s\n#EXT-X-ENDLIST\n"));
    EXPECT_EQ(text.find("PRELOAD-HINT"), std::string::npos);
}

// The state after 2.5 s at 30 fps, GOP 2 s: segment 0 complete (6 parts), segment 1 has one
// part, the hint is part 1.1. PART-TARGET 0.334 → Advance Part Limit 3/0.334 = 8.98 parts.
class BlockingReload : public ::testing::Test {
protected:
    BlockingReload() { test::feed(r_, Feed{.video = 0}, 0, 2.5); }
    BlockingDecision decide(std::optional<std::uint64_t> msn,
                            std::optional<std::uint32_t> part,
                            std::chrono::milliseconds waited = 0ms) {
        return decide_blocking_reload({msn, part}, r_.window(), waited);
    }
    Rendition r_{{test::video_track()}};
};

TEST_F(BlockingReload, DecisionTable) {
    using D = BlockingDecision;
    EXPECT_EQ(decide(std::nullopt, std::nullopt), D::ready);  // not a blocking request
    EXPECT_EQ(decide(0, std::nullopt), D::ready);             // segment 0 is complete
    EXPECT_EQ(decide(1, std::nullopt), D::wait);              // segment 1 is being built
    EXPECT_EQ(decide(2, std::nullopt), D::wait);              // last complete (0) + 2
    EXPECT_EQ(decide(3, std::nullopt), D::bad_request);       // beyond last + 2
    EXPECT_EQ(decide(std::nullopt, 0), D::bad_request);       // _HLS_part alone
    EXPECT_EQ(decide(1, 0), D::ready);
    EXPECT_EQ(decide(1, 1), D::wait);  // the hinted part
    EXPECT_EQ(decide(0, 5), D::ready);
    EXPECT_EQ(decide(0, 6), D::ready);        // past segment 0's last part = part 1.0, which exists
    EXPECT_EQ(decide(1, 8), D::wait);         // 8 parts past the last one (1.0): within
    EXPECT_EQ(decide(1, 9), D::bad_request);  // 9 > 8.98
    EXPECT_EQ(decide(2, 7), D::wait);         // 2.7 is at least 8 parts ahead
    EXPECT_EQ(decide(2, 8), D::bad_request);
    EXPECT_EQ(decide(1, 1, 6000ms), D::wait);  // 3×TD = 6 s
    EXPECT_EQ(decide(1, 1, 6001ms), D::unavailable);
    EXPECT_EQ(decide(1, 0, 60000ms), D::ready);
}

TEST_F(BlockingReload, ReadyOnceThePartExists) {
    EXPECT_EQ(decide(1, 1), BlockingDecision::wait);
    test::feed(r_, Feed{.video = 0}, 2.5, 2.7);  // frames up to 2.667: part 1.1 closes
    EXPECT_EQ(decide(1, 1), BlockingDecision::ready);
    EXPECT_EQ(decide(0, 6), BlockingDecision::ready);
}

TEST_F(BlockingReload, IgnoredAfterEndlist) {
    r_.finish();
    EXPECT_EQ(decide(2, 5), BlockingDecision::ready);
}

TEST(Multivariant, OneRenditionWithAudio) {
    std::vector<Variant> v{{"source/index.m3u8", {test::video_track(29.97), test::audio_track()}}};
    EXPECT_EQ(multivariant_playlist(v),
              "#EXTM3U\n"
              "#EXT-X-VERSION:6\n"
              "#EXT-X-INDEPENDENT-SEGMENTS\n"
              "#EXT-X-STREAM-INF:BANDWIDTH=928000,AVERAGE-BANDWIDTH=928000,"
              "CODECS=\"avc1.42c01e,mp4a.40.2\",RESOLUTION=640x360,FRAME-RATE=29.970\n"
              "source/index.m3u8\n");
    v[0].peak_bandwidth = 1'500'000;
    v[0].average_bandwidth = 1'000'000;
    v.push_back({"audio/index.m3u8", {test::audio_track()}, 140'000, 130'000});
    const std::string text = multivariant_playlist(v);
    EXPECT_NE(text.find("BANDWIDTH=1500000,AVERAGE-BANDWIDTH=1000000,"), std::string::npos);
    EXPECT_TRUE(
        text.ends_with("#EXT-X-STREAM-INF:BANDWIDTH=140000,AVERAGE-BANDWIDTH=130000,"
                       "CODECS=\"mp4a.40.2\"\naudio/index.m3u8\n"));
}

TEST(Multivariant, MeasuredBandwidth) {
    Rendition r({test::video_track()});
    test::feed(r, Feed{.video = 0}, 0, 4.05);
    const Bandwidth b = measure_bandwidth(r.window());
    std::size_t bytes = 0;
    for (const auto& p : r.window().segments[0].parts)
        bytes += p.bytes->size();
    EXPECT_EQ(b.peak, bytes * 8 / 2);
    EXPECT_GT(b.average, 0u);
    EXPECT_LE(b.average, b.peak);
}

}  // namespace
}  // namespace nchat::hls
