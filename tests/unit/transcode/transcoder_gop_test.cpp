// The top rung and the source's keyframe interval (docs/transcode.md, "Long GOPs"): every
// rendition must cut its segments at the same instants whatever the source's GOP.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "unit/transcode/harness.hpp"

namespace nchat::transcode {
namespace {

using test::Rig;

std::vector<std::int64_t> key_pts(const std::vector<media::MediaPacket>& packets) {
    std::vector<std::int64_t> out;
    for (const auto& p : packets) {
        if (p.keyframe) out.push_back(p.pts);
    }
    std::sort(out.begin(), out.end());
    return out;
}

LadderConfig small_ladder(int max_concurrent = 4) {
    LadderConfig c;
    c.ladder = {{"360p", 360, 600, 30}, {"240p", 240, 300, 24}, {"144p", 144, 150, 15}};
    c.max_queued_packets = 2000;
    c.max_concurrent = max_concurrent;
    return c;
}

TranscoderOptions own_slots() {
    TranscoderOptions o;
    o.stream_id = "test";
    o.slots = std::make_shared<TranscodeSlots>();
    return o;
}

// The same video without x264's SEI (a hardware encoder, another software one).
test::Elementary without_sei(test::Elementary e) {
    for (auto& p : e.packets) {
        std::vector<std::uint8_t> out;
        media::for_each_nal(*p.data, [&](std::span<const std::uint8_t> nal) {
            if (!nal.empty() && (nal[0] & 0x1F) != 6) {
                const auto n = static_cast<std::uint32_t>(nal.size());
                out.insert(out.end(), {std::uint8_t(n >> 24), std::uint8_t(n >> 16),
                                       std::uint8_t(n >> 8), std::uint8_t(n)});
                out.insert(out.end(), nal.begin(), nal.end());
            }
            return true;
        });
        p.data = std::make_shared<const std::vector<std::uint8_t>>(std::move(out));
    }
    return e;
}

struct Run {
    TranscoderStats stats;
    std::map<std::string, std::shared_ptr<test::Recorder>> outputs;
};

Run transcode(const test::Elementary& v, const LadderConfig& cfg, TranscoderOptions opts) {
    const std::vector<media::TrackInfo> tracks{v.track};
    Rig rig;
    auto tc = std::make_unique<Transcoder>(rig.strand, cfg, "", rig.factory(), std::move(opts));
    rig.on_strand([&] { tc->on_tracks(tracks); });
    rig.feed(*tc, test::interleave(v, nullptr), tracks, false);
    Run run;
    run.stats = tc->stats();
    rig.on_strand([&] { tc->on_end(); });
    EXPECT_TRUE(rig.wait_finished(*tc));
    run.outputs = rig.outputs;
    return run;
}

// IDRs in every rendition at the same instants, at least `min_gap` apart and decodable.
std::vector<std::int64_t> common_idrs(const Run& run, std::int64_t min_gap) {
    std::optional<std::vector<std::int64_t>> keys;
    for (const auto& [name, out] : run.outputs) {
        const auto video = out->of_track(0);
        EXPECT_FALSE(video.empty()) << name;
        if (video.empty()) continue;
        EXPECT_TRUE(video.front().keyframe) << name << " starts on a keyframe";
        EXPECT_EQ(test::decode_video(out->tracks.back()[0], video).errors, 0) << name;
        auto k = key_pts(video);
        for (std::size_t i = 1; i < k.size(); ++i)
            EXPECT_GE(k[i] - k[i - 1], min_gap) << name;
        if (!keys) {
            keys = k;
        } else {
            // A rendition that starts later has the others' IDRs from its start on.
            const auto& longer = keys->size() >= k.size() ? *keys : k;
            const auto& shorter = keys->size() >= k.size() ? k : *keys;
            EXPECT_TRUE(std::equal(shorter.rbegin(), shorter.rend(), longer.rbegin())) << name;
        }
    }
    return keys.value_or(std::vector<std::int64_t>{});
}

TEST(TranscoderLongGop, X264SaysKeyint250SoTheTopRungIsEncodedAndEveryRungCutsEvery2s) {
    test::VideoSpec vs;
    vs.seconds = 7;
    vs.gop = 250;  // OBS's "auto": one keyframe in these 7 s
    const auto v = test::make_h264(vs);
    const auto run = transcode(v, small_ladder(), own_slots());

    EXPECT_EQ(run.stats.top_rung, "encoded");
    EXPECT_TRUE(run.stats.long_gop);
    ASSERT_EQ(run.stats.renditions.size(), 3u);
    EXPECT_FALSE(run.stats.renditions[0].passthrough);
    EXPECT_EQ(run.stats.renditions[0].video_kbps, 600) << "the ladder step's bitrate";
    auto top = run.outputs.at("360p");
    ASSERT_EQ(top->tracks.size(), 1u) << "told once: its init segment never changes";
    EXPECT_NE(top->tracks[0][0].extradata, v.track.extradata) << "x264's own, not the source's";
    EXPECT_EQ(top->of_track(0).size(), v.packets.size()) << "decided at the first keyframe";
    const auto idrs = common_idrs(run, 2 * 90000);
    ASSERT_EQ(idrs.size(), 4u);  // 0, 2, 4, 6 s
    EXPECT_EQ(idrs.front(), 0);
    EXPECT_LT(idrs.back() - idrs.front(), 3 * (2 * 90000 + 3060));
}

TEST(TranscoderLongGop, WithNoSlotFreeEveryRungFollowsTheSourcesKeyframes) {
    test::VideoSpec vs;
    vs.seconds = 7;
    vs.gop = 150;  // keyframes at 0 and 5 s
    const auto v = test::make_h264(vs);
    auto opts = own_slots();
    // The limit is 1 and this transcoder holds it: nothing left for the top rung.
    const auto run = transcode(v, small_ladder(1), opts);

    EXPECT_EQ(run.stats.top_rung, "passthrough");
    EXPECT_TRUE(run.stats.long_gop);
    EXPECT_TRUE(run.stats.renditions[0].passthrough);
    EXPECT_EQ(run.outputs.at("360p")->of_track(0).size(), v.packets.size());
    EXPECT_EQ(common_idrs(run, 90000), key_pts(v.packets));
}

TEST(TranscoderLongGop, WithoutX264sSeiAShortGopIsKnownAtTheSecondKeyframeAndNothingIsLost) {
    test::VideoSpec vs;
    vs.seconds = 5;
    vs.gop = 60;
    const auto v = without_sei(test::make_h264(vs));
    const auto run = transcode(v, small_ladder(), own_slots());

    EXPECT_EQ(run.stats.top_rung, "passthrough");
    EXPECT_FALSE(run.stats.long_gop);
    EXPECT_NEAR(run.stats.source_keyframe_interval_s, 2.0, 0.01);
    // The packets held while deciding went out, in order, the very same bytes.
    const auto top = run.outputs.at("360p")->of_track(0);
    ASSERT_EQ(top.size(), v.packets.size());
    for (std::size_t i = 0; i < top.size(); ++i)
        EXPECT_EQ(top[i].data.get(), v.packets[i].data.get());
    EXPECT_EQ(common_idrs(run, 90000), key_pts(v.packets));
}

TEST(TranscoderLongGop, WithoutX264sSeiALongGopIsKnownAfter2_4sAndTheTopStartsOnItsFirstIdr) {
    test::VideoSpec vs;
    vs.seconds = 7;
    vs.gop = 250;
    const auto v = without_sei(test::make_h264(vs));
    const auto run = transcode(v, small_ladder(), own_slots());

    EXPECT_EQ(run.stats.top_rung, "encoded");
    const auto top = run.outputs.at("360p")->of_track(0);
    ASSERT_FALSE(top.empty());
    EXPECT_TRUE(top.front().keyframe);
    EXPECT_GT(top.front().pts, std::llround(2.4 * 90000));
    EXPECT_LT(top.front().pts, std::llround(2.6 * 90000));
    const auto idrs = common_idrs(run, 2 * 90000 - 3060);
    EXPECT_EQ(idrs.front(), 0) << "the lower rungs started at the first keyframe";
}

}  // namespace
}  // namespace nchat::transcode
