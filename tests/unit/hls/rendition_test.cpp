#include "hls/detail/rendition.hpp"

#include <gtest/gtest.h>

#include "hls/detail/resource.hpp"
#include "unit/hls/box_walker.hpp"
#include "unit/hls/real_media.hpp"
#include "unit/hls/synthetic.hpp"

namespace nchat::hls {
namespace {

using test::Feed;

const Segment& seg(const Rendition& r, std::uint64_t msn) {
    const Segment* s = find_segment(r.window(), msn);
    EXPECT_NE(s, nullptr) << "segment " << msn;
    return *s;
}

// rfc8216bis §4.4.4.9: DURATION ≤ PART-TARGET, and ≥ 85% of it except INDEPENDENT parts and a
// segment's last part; INDEPENDENT exactly when the part starts on a keyframe (here: the
// first part of each segment, since keyframes only start segments).
void expect_part_rules(const Rendition& r, bool all_independent = false) {
    const double target = r.config().part_target.count() / 1000.0;
    for (const auto& s : r.window().segments) {
        for (std::size_t i = 0; i < s.parts.size(); ++i) {
            const Part& p = s.parts[i];
            EXPECT_LE(p.duration, target + 1e-9) << "msn " << s.msn << " part " << i;
            const bool last = s.complete && i + 1 == s.parts.size();
            if (!p.independent && !last) {
                EXPECT_GE(p.duration, 0.85 * target);
            }
            EXPECT_EQ(p.independent, all_independent || i == 0) << "msn " << s.msn << " " << i;
        }
    }
}

TEST(Segmenter, Video30FpsKeyframesEvery2s) {
    Rendition r({test::video_track()});
    test::feed(r, Feed{.video = 0}, 0, 10.05);
    const Window& w = r.window();
    EXPECT_EQ(w.target_duration, 2u);
    for (std::uint64_t m = 0; m < 5; ++m) {
        EXPECT_TRUE(seg(r, m).complete);
        EXPECT_NEAR(seg(r, m).duration, 2.0, 1e-9);
        EXPECT_EQ(seg(r, m).parts.size(), 6u);  // 10 frames = 0.333 s each
        EXPECT_NEAR(seg(r, m).parts[0].duration, 1.0 / 3, 1e-9);
    }
    EXPECT_FALSE(seg(r, 5).complete);
    expect_part_rules(r);
}

TEST(Segmenter, LongGopSegmentsFollowKeyframes) {
    Rendition r({test::video_track()});
    test::feed(r, Feed{.video = 0, .gop_seconds = 5}, 0, 15.05);
    EXPECT_EQ(r.window().target_duration, 5u);  // honest, not the 2 s target
    for (std::uint64_t m = 0; m < 3; ++m) {
        EXPECT_NEAR(seg(r, m).duration, 5.0, 1e-9);
        EXPECT_EQ(seg(r, m).parts.size(), 15u);  // parts stay short
    }
    expect_part_rules(r);
}

TEST(Segmenter, Video25FpsPartsOf8Frames) {
    Rendition r({test::video_track(25)});
    test::feed(r, Feed{.video = 0, .fps_num = 25}, 0, 6.1);
    const Segment& s = seg(r, 0);
    EXPECT_NEAR(s.duration, 2.0, 1e-9);
    ASSERT_EQ(s.parts.size(), 7u);  // 6 × 8 frames + the last 2 frames
    EXPECT_NEAR(s.parts[0].duration, 0.32, 1e-9);
    EXPECT_NEAR(s.parts[6].duration, 0.08, 1e-9);
    expect_part_rules(r);
}

// A 24 fps rung made from a 30 fps source keeps 4 frames of 5, at their source times (frames
// 33 or 67 ms apart). Its parts must still be cut where the 30 fps renditions cut theirs: six
// of 0.333 s per 2 s segment, so that part N of segment M is the same media time in every
// rendition (a player switching with a RENDITION-REPORT's part index relies on it).
TEST(Segmenter, FramesDroppedTo24FpsStillCutSixPartsPerSegmentLike30Fps) {
    Rendition r({test::video_track(24)});
    const auto wall0 = util::Time{std::chrono::milliseconds(1'767'225'600'000)};
    for (std::int64_t i = 0; i < 30 * 6 + 1; ++i) {
        if (i % 5 == 3) continue;  // what the transcoder's frame selector drops
        const std::int64_t dts = i * 3000;
        auto data = std::make_shared<const std::vector<std::uint8_t>>(
            std::vector<std::uint8_t>{0, 0, 0, 2, std::uint8_t(i >> 8), std::uint8_t(i)});
        r.push(media::MediaPacket{0, dts, dts, i % 60 == 0, data},
               wall0 + std::chrono::milliseconds(i * 100 / 3));
    }
    for (std::uint64_t m = 0; m < 3; ++m) {
        ASSERT_TRUE(seg(r, m).complete);
        ASSERT_EQ(seg(r, m).parts.size(), 6u) << "segment " << m;
        for (const auto& p : seg(r, m).parts)
            EXPECT_NEAR(p.duration, 1.0 / 3, 1e-9);
    }
    expect_part_rules(r);
}

TEST(Segmenter, Video2997FpsUsesFrameAlignedMaximum) {
    Rendition r({test::video_track(29.97)});
    test::feed(r, Feed{.video = 0, .fps_num = 30000, .fps_den = 1001}, 0, 8.1);
    EXPECT_EQ(r.window().target_duration, 2u);
    EXPECT_NEAR(seg(r, 0).duration, 2.002, 1e-9);
    EXPECT_NEAR(seg(r, 0).parts[0].duration, 10 * 1001 / 30000.0, 1e-9);  // 0.3337 ≤ 0.334
    expect_part_rules(r);
}

TEST(Segmenter, HoldsBackOneFrameAndClosesPartsEagerly) {
    Rendition r({test::video_track()});
    test::feed(r, Feed{.video = 0}, 0, 0.99);  // frames 0..29
    // Frames 0-9 and 10-19 are parts; 20-28 wait in the open part, 29 waits for its duration.
    EXPECT_EQ(r.window().next_msn, 0u);
    EXPECT_EQ(r.window().next_part, 2u);
    EXPECT_EQ(r.stats().parts, 2u);
}

TEST(Segmenter, AudioFollowsVideoPartEdges) {
    Rendition r({test::video_track(), test::audio_track()});
    test::feed(r, Feed{.video = 0, .audio = 1}, 0, 6.05);
    expect_part_rules(r);
    std::uint64_t next_audio_dts = 0;
    std::size_t audio_samples = 0;
    for (std::uint64_t m = 0; m < 3; ++m) {
        for (const auto& part : seg(r, m).parts) {
            const auto moof = test::children(test::walk(*part.bytes)[0]);
            ASSERT_EQ(test::types(moof), (std::vector<std::string>{"mfhd", "traf", "traf"}));
            const auto traf = test::children(moof[2]);
            EXPECT_EQ(test::be32(traf[0].body, 4), 2u);  // audio track_ID
            // One timeline: each part's audio starts where the previous part's ended.
            EXPECT_EQ(test::be64(traf[1].body, 4), next_audio_dts);
            const std::uint32_t n = test::be32(traf[2].body, 4);
            audio_samples += n;
            for (std::uint32_t i = 0; i < n; ++i)
                next_audio_dts += test::be32(traf[2].body, 12 + 16 * i);
        }
    }
    // 6 s = 281.25 AAC frames; the first 3 segments hold every frame before 6.0 s.
    EXPECT_EQ(audio_samples, 282u);
}

TEST(Segmenter, AudioOnlyPartsAreAllIndependent) {
    Rendition r({test::audio_track()});
    test::feed(r, Feed{.audio = 0}, 0, 6.5);
    EXPECT_EQ(r.window().target_duration, 2u);
    const Segment& s = seg(r, 0);
    EXPECT_NEAR(s.duration, 94 * 1024 / 48000.0, 1e-9);  // first frame at or after 2 s
    EXPECT_EQ(s.parts.size(), 7u);                       // 6 × 15 frames (0.32 s) + 4
    expect_part_rules(r, true);
}

TEST(Segmenter, WaitsForKeyframeAndDropsBadPackets) {
    Rendition r({test::video_track()});
    auto data = std::make_shared<const std::vector<std::uint8_t>>(4, 0);
    const util::Time t{};
    r.push({0, 0, 0, false, data}, t);  // no keyframe yet
    r.push({0, 3000, 3000, true, data}, t);
    r.push({0, 3000, 3000, false, data}, t);  // dts does not advance
    r.push({5, 6000, 6000, false, data}, t);  // no such track
    r.push({0, 6000, 6000, false, nullptr}, t);
    EXPECT_EQ(r.stats().dropped_packets, 4u);
    r.finish();
    ASSERT_EQ(r.window().segments.size(), 1u);
    EXPECT_EQ(r.window().segments[0].parts.size(), 1u);
    EXPECT_TRUE(r.window().segments[0].parts[0].independent);
}

TEST(Segmenter, WindowSlidesAndKeepsRemovedSegmentsBounded) {
    Rendition r({test::video_track()}, {.window_segments = 3});
    test::feed(r, Feed{.video = 0}, 0, 120.05);
    const Window& w = r.window();
    ASSERT_EQ(w.next_msn, 60u);
    EXPECT_EQ(w.segments[w.first_listed].msn, 57u);  // 57, 58, 59 listed; 60 open
    // Removed ones stay for their duration + the playlist's (§6.2.2: 2 + 6 s) and their parts
    // 6×TD past their end: segment 51, removed at 110 s, went at 118 s; 52 stays until 120 s.
    EXPECT_EQ(w.segments.front().msn, 52u);
    EXPECT_EQ(find_resource(w, "seg52.m4s").status, Resource::Status::found);
    EXPECT_EQ(find_resource(w, "part52.5.m4s").status, Resource::Status::found);
    EXPECT_EQ(find_resource(w, "seg51.m4s").status, Resource::Status::gone);
    EXPECT_EQ(find_resource(w, "part3.0.m4s").status, Resource::Status::gone);
}

TEST(Segmenter, DiscontinuityStartsNewSegmentWithNewInit) {
    Rendition r({test::video_track(), test::audio_track()});
    test::feed(r, Feed{.video = 0, .audio = 1}, 0, 3.05);
    auto tracks = r.tracks();
    tracks[0].extradata.back() ^= 1;  // a new sequence header
    r.discontinuity(tracks);
    Feed again{.video = 0, .audio = 1};
    again.wall0 += std::chrono::seconds(20);  // the publisher came back 20 s later, dts from 0
    test::feed(r, again, 0, 2.05);
    const Segment& before = seg(r, 1);
    EXPECT_TRUE(before.complete);
    EXPECT_NEAR(before.duration, 1.0 + 2 / 30.0, 1e-9);  // 2.0 .. 3.033 + one frame
    const Segment& after = seg(r, 2);
    EXPECT_TRUE(after.discontinuity);
    EXPECT_EQ(after.discontinuity_sequence, 1u);
    EXPECT_EQ(after.init_generation, 1u);
    EXPECT_EQ(after.program_date_time, again.wall0);
    EXPECT_EQ(seg(r, 1).program_date_time, Feed{}.wall0 + std::chrono::seconds(2));
    EXPECT_NE(*after.init, *before.init);
    EXPECT_EQ(find_resource(r.window(), "init1.mp4").buffers[0], after.init);
    EXPECT_EQ(find_resource(r.window(), "init.mp4").buffers[0], before.init);
    expect_part_rules(r);
}

TEST(Segmenter, ResourcesFoundHintedOrMissing) {
    Rendition r({test::video_track()});
    test::feed(r, Feed{.video = 0}, 0, 2.5);  // segment 0 complete, 1 has one part
    const Window& w = r.window();
    auto seg0 = find_resource(w, "seg0.m4s");
    ASSERT_EQ(seg0.status, Resource::Status::found);
    ASSERT_EQ(seg0.buffers.size(), 6u);  // a segment is its parts, in order
    EXPECT_EQ(seg0.buffers[2], seg(r, 0).parts[2].bytes);
    EXPECT_EQ(find_resource(w, "part1.0.m4s").status, Resource::Status::found);
    EXPECT_EQ(find_resource(w, "part1.1.m4s").status, Resource::Status::hinted);
    EXPECT_EQ(find_resource(w, "part1.2.m4s").status, Resource::Status::not_yet);
    EXPECT_EQ(find_resource(w, "seg1.m4s").status, Resource::Status::not_yet);
    EXPECT_EQ(find_resource(w, "part0.6.m4s").status, Resource::Status::unknown);
    EXPECT_EQ(find_resource(w, "init.mp4").buffers.at(0), w.init);
    EXPECT_EQ(find_resource(w, "init2.mp4").status, Resource::Status::not_yet);
    for (const char* bad : {"seg.m4s", "segx.m4s", "part1.m4s", "part1.0.ts", "../init.mp4", ""})
        EXPECT_EQ(find_resource(w, bad).status, Resource::Status::unknown) << bad;
}

TEST(Segmenter, FinishFlushesEverything) {
    Rendition r({test::video_track()});
    test::feed(r, Feed{.video = 0}, 0, 2.5);
    r.finish();
    const Window& w = r.window();
    EXPECT_TRUE(w.ended);
    EXPECT_TRUE(w.segments.back().complete);
    EXPECT_NEAR(w.segments.back().duration, 0.5, 1e-9);  // frames 60..74, the last one too
    EXPECT_EQ(find_resource(w, "part2.0.m4s").status, Resource::Status::not_yet);  // no hint
}

// The whole path with real x264 + AAC frames: every segment the rendition serves, after its
// init segment, decodes in ffprobe with every frame present.
TEST(Segmenter, FfprobeDecodesEverySegment) {
    if (!test::have_ffmpeg()) GTEST_SKIP() << "ffmpeg/ffprobe not installed";
    char tmpl[] = "/tmp/nchat-hls-XXXXXX";
    const std::string dir = ::mkdtemp(tmpl);
    const auto video = test::make_h264(75, 25, dir);  // 3 s, a keyframe every second
    const auto audio = test::make_aac(3.0, dir);
    ASSERT_EQ(video.frames.size(), 75u);
    Rendition r({video.track, audio.track}, {.segment_target = std::chrono::milliseconds(1000)});
    std::size_t v = 0;
    std::size_t a = 0;
    while (v < video.frames.size() || a < audio.frames.size()) {
        const bool take_video = a == audio.frames.size() ||
                                (v < video.frames.size() && v * 3600 * 48000 <= a * 1024 * 90000);
        if (take_video) {
            const auto dts = static_cast<std::int64_t>(v * 3600);
            r.push({0, dts, dts, video.keyframe[v], video.frames[v]}, util::Time{});
            ++v;
        } else {
            const auto dts = static_cast<std::int64_t>(a * 1024);
            r.push({1, dts, dts, true, audio.frames[a]}, util::Time{});
            ++a;
        }
    }
    r.finish();
    EXPECT_EQ(r.window().next_msn, 3u);
    test::Bytes file = *r.window().init;
    for (std::uint64_t m = 0; m < 3; ++m) {
        for (const auto& b : find_resource(r.window(), segment_uri(m)).buffers)
            file.insert(file.end(), b->begin(), b->end());
    }
    test::write_file(dir + "/all.mp4", file);
    const std::string probe =
        "ffprobe -v error -count_frames -of default=nw=1 -show_entries "
        "stream=codec_name,nb_read_frames " +
        dir + "/all.mp4";
    const std::string out = test::run(probe);
    test::run("rm -rf " + dir);
    // The AAC frames after the last video frame's end are dropped at the flush.
    EXPECT_TRUE(out.starts_with("codec_name=h264\nnb_read_frames=75\ncodec_name=aac\n")) << out;
}

}  // namespace
}  // namespace nchat::hls
