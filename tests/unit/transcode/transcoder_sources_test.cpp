// The Transcoder with sources that change or differ: a mid-stream resolution change, a
// publisher reconnect, Opus audio, audio only, and the concurrent-transcode limit.
#include <tuple>

#include <gtest/gtest.h>

#include "media/aac.hpp"
#include "transcode/transcoder.hpp"
#include "unit/transcode/harness.hpp"

namespace nchat::transcode {
namespace {

using test::Rig;

LadderConfig small_ladder() {
    LadderConfig c;
    c.ladder = {{"360p", 360, 600, 30}, {"240p", 240, 300, 24}, {"144p", 144, 150, 15}};
    c.max_queued_packets = 2000;
    return c;
}

TranscoderOptions own_slots() {
    TranscoderOptions o;
    o.stream_id = "test";
    o.slots = std::make_shared<TranscodeSlots>();
    return o;
}

test::Elementary shifted(test::Elementary e, std::int64_t by) {
    for (auto& p : e.packets) {
        p.pts += by;
        p.dts += by;
    }
    return e;
}

TEST(TranscoderSources, MidStreamResolutionChangeReplansAndKeepsOutputsByName) {
    test::VideoSpec a;
    a.seconds = 1;
    test::VideoSpec b = a;
    b.width = 426;
    b.height = 240;
    const auto va = test::make_h264(a);
    const auto vb = shifted(test::make_h264(b), 90000);
    Rig rig;
    auto tc =
        std::make_unique<Transcoder>(rig.strand, small_ladder(), "", rig.factory(), own_slots());
    rig.on_strand([&] { tc->on_tracks({va.track}); });
    rig.feed(*tc, test::interleave(va, nullptr), {va.track}, false);
    rig.on_strand([&] {
        tc->on_tracks({vb.track});
        EXPECT_EQ(tc->rungs().size(), 2u);
    });
    rig.feed(*tc, test::interleave(vb, nullptr), {vb.track}, false);
    rig.on_strand([&] { tc->on_end(); });
    ASSERT_TRUE(rig.wait_finished(*tc));

    ASSERT_EQ(rig.made.size(), 3u);  // no new output: 240p and 144p kept, 360p ended
    auto o360 = rig.output("360p");
    EXPECT_EQ(o360->of_track(0).size(), va.packets.size());
    auto o240 = rig.output("240p");
    ASSERT_EQ(o240->tracks.size(), 2u);  // encoded 426x240, then the new source itself
    EXPECT_FALSE(o240->tracks[1][0].extradata.empty());
    EXPECT_EQ(o240->tracks[1][0].extradata, vb.track.extradata);
    const auto p240 = o240->of_track(0);
    ASSERT_GE(p240.size(), vb.packets.size());
    EXPECT_EQ(p240.back().data.get(), vb.packets.back().data.get());
    // 144p: same size before and after (both 16:9), so the same encoder goes on; it decodes
    // straight through the change, with an IDR where the new source starts.
    auto o144 = rig.output("144p");
    ASSERT_EQ(o144->tracks.size(), 1u);
    const auto p144 = o144->of_track(0);
    EXPECT_EQ(test::decode_video(o144->tracks[0][0], p144).errors, 0);
    bool idr_at_change = false;
    for (const auto& p : p144)
        idr_at_change |= p.keyframe && p.pts == vb.packets.front().pts;
    EXPECT_TRUE(idr_at_change);
}

TEST(TranscoderSources, AnOddSizedSourceGetsEvenRungsThatDecode) {
    test::VideoSpec vs;
    vs.width = 850;  // neither a multiple of 16 nor of the ladder's aspect
    vs.height = 478;
    vs.seconds = 1;
    const auto v = test::make_h264(vs);
    Rig rig;
    auto tc =
        std::make_unique<Transcoder>(rig.strand, small_ladder(), "", rig.factory(), own_slots());
    rig.on_strand([&] { tc->on_tracks({v.track}); });
    rig.feed(*tc, test::interleave(v, nullptr), {v.track}, false);
    rig.on_strand([&] { tc->on_end(); });
    ASSERT_TRUE(rig.wait_finished(*tc));
    ASSERT_EQ(rig.made.size(), 4u);  // 478p passthrough, 360p, 240p, 144p
    for (const auto& [name, w, h] : {std::tuple{"360p", 640, 360}, std::tuple{"240p", 426, 240},
                                     std::tuple{"144p", 256, 144}}) {
        auto o = rig.output(name);
        ASSERT_TRUE(o) << name;
        const auto d = test::decode_video(o->tracks[0][0], o->of_track(0));
        EXPECT_EQ(d.width, w) << name;
        EXPECT_EQ(d.height, h) << name;
        EXPECT_EQ(d.errors, 0) << name;
        EXPECT_GT(d.frames, 10) << name;
    }
    auto top = rig.output("478p");
    ASSERT_TRUE(top);
    EXPECT_TRUE(top->rung.passthrough);
    EXPECT_EQ(top->tracks[0][0].bitrate, 600000u);  // unknown: the rung's nominal rate
}

TEST(TranscoderSources, PublisherReconnectPassesTheDiscontinuityAndRetellsTracks) {
    test::VideoSpec a;
    a.seconds = 1;
    const auto v = test::make_h264(a);
    Rig rig;
    auto tc =
        std::make_unique<Transcoder>(rig.strand, small_ladder(), "", rig.factory(), own_slots());
    const auto packets = test::interleave(v, nullptr);
    rig.on_strand([&] { tc->on_tracks({v.track}); });
    rig.feed(*tc, packets, {v.track}, false);
    rig.on_strand([&] {
        tc->on_discontinuity();
        tc->on_tracks({v.track});  // the new publisher's (identical) headers
    });
    rig.feed(*tc, packets, {v.track}, false);  // timestamps start over at 0
    rig.on_strand([&] { tc->on_end(); });
    ASSERT_TRUE(rig.wait_finished(*tc));
    for (const char* name : {"360p", "240p", "144p"}) {
        auto o = rig.output(name);
        std::lock_guard lock(o->mu);
        EXPECT_EQ(o->discontinuities, 1) << name;
        EXPECT_EQ(o->tracks.size(), 2u) << name;
    }
    // The encoded rungs start the new timeline with an IDR at pts 0 and decode cleanly.
    auto o240 = rig.output("240p");
    const auto p = o240->of_track(0);
    int idr_at_zero = 0;
    for (const auto& pk : p)
        idr_at_zero += pk.keyframe && pk.pts == v.packets.front().pts;
    EXPECT_EQ(idr_at_zero, 2);
    EXPECT_EQ(test::decode_video(o240->tracks[1][0], p).errors, 0);
}

TEST(TranscoderSources, OpusIsTranscodedOnceToAacSharedByEveryRendition) {
    test::VideoSpec vs;
    vs.seconds = 1.5;
    const auto v = test::make_h264(vs);
    const auto a = test::make_audio("libopus", 1.5);
    const std::vector<media::TrackInfo> tracks{v.track, a.track};
    Rig rig;
    auto tc =
        std::make_unique<Transcoder>(rig.strand, small_ladder(), "", rig.factory(), own_slots());
    rig.on_strand([&] { tc->on_tracks(tracks); });
    rig.feed(*tc, test::interleave(v, &a), tracks, false);
    rig.on_strand([&] { tc->on_end(); });
    ASSERT_TRUE(rig.wait_finished(*tc));

    auto top = rig.output("360p");
    ASSERT_EQ(top->tracks.size(), 1u);
    const auto& at = top->tracks[0][1];
    EXPECT_EQ(at.codec, media::Codec::aac);
    EXPECT_EQ(at.codec_string, "mp4a.40.2");
    EXPECT_EQ(at.sample_rate, 48000u);
    EXPECT_EQ(at.timescale, 48000u);
    EXPECT_EQ(at.channels, 2u);
    EXPECT_EQ(at.bitrate, 128000u);
    auto asc = media::parse_audio_specific_config(at.extradata);
    ASSERT_TRUE(asc);
    EXPECT_EQ(asc->object_type, 2);  // AAC-LC
    EXPECT_EQ(asc->sample_rate, 48000u);
    EXPECT_EQ(asc->channels, 2);
    const auto audio = top->of_track(1);
    // 1.5 s at 1024 samples a frame: ~70 frames.
    EXPECT_NEAR(static_cast<double>(audio.size()), 1.5 * 48000 / 1024, 4);
    for (std::size_t i = 1; i < audio.size(); ++i)
        EXPECT_EQ(audio[i].pts - audio[i - 1].pts, 1024);
    // The AAC decodes.
    const AVCodec* dec = avcodec_find_decoder(AV_CODEC_ID_AAC);
    test::CodecContextPtr c(avcodec_alloc_context3(dec));
    detail::set_extradata(c.get(), at.extradata.data(), at.extradata.size());
    ASSERT_EQ(avcodec_open2(c.get(), dec, nullptr), 0);
    auto pkt = detail::make_packet();
    auto f = detail::make_frame();
    int decoded = 0;
    for (const auto& p : audio) {
        av_new_packet(pkt.get(), static_cast<int>(p.data->size()));
        std::memcpy(pkt->data, p.data->data(), p.data->size());
        EXPECT_EQ(avcodec_send_packet(c.get(), pkt.get()), 0);
        av_packet_unref(pkt.get());
        while (avcodec_receive_frame(c.get(), f.get()) == 0)
            ++decoded;
    }
    EXPECT_GE(decoded, static_cast<int>(audio.size()) - 2);
    // Encoded once: every rendition has the same packets.
    for (const char* name : {"240p", "144p"}) {
        const auto other = rig.output(name)->of_track(1);
        ASSERT_EQ(other.size(), audio.size()) << name;
        for (std::size_t i = 0; i < other.size(); ++i)
            EXPECT_EQ(other[i].data.get(), audio[i].data.get());
    }
}

TEST(TranscoderSources, AudioOnlyStreamIsOneRenditionOfTheSameBytes) {
    const auto a = test::make_audio("aac", 1);
    Rig rig;
    auto tc =
        std::make_unique<Transcoder>(rig.strand, small_ladder(), "", rig.factory(), own_slots());
    std::vector<media::MediaPacket> packets = a.packets;
    rig.on_strand([&] { tc->on_tracks({a.track}); });
    rig.feed(*tc, packets, {a.track}, false);
    rig.on_strand([&] { tc->on_end(); });
    ASSERT_TRUE(rig.wait_finished(*tc));
    ASSERT_EQ(rig.made.size(), 1u);
    auto o = rig.output("audio");
    ASSERT_TRUE(o);
    ASSERT_EQ(o->tracks.size(), 1u);
    ASSERT_EQ(o->tracks[0].size(), 1u);
    EXPECT_EQ(o->tracks[0][0].extradata, a.track.extradata);
    const auto got = o->of_track(0);
    ASSERT_EQ(got.size(), a.packets.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_EQ(got[i].data.get(), a.packets[i].data.get());
}

TEST(TranscoderSources, BeyondMaxConcurrentTheStreamIsPassedThroughOnly) {
    test::VideoSpec vs;
    vs.seconds = 0.5;
    const auto v = test::make_h264(vs);
    auto cfg = small_ladder();
    cfg.max_concurrent = 1;
    auto opts = own_slots();
    Rig rig;
    auto first = std::make_unique<Transcoder>(rig.strand, cfg, "", rig.factory(), opts);
    opts.stream_id = "second";
    auto second = std::make_unique<Transcoder>(rig.strand, cfg, "", rig.factory(), opts);
    EXPECT_FALSE(first->stats().limited);
    EXPECT_TRUE(second->stats().limited);
    EXPECT_EQ(opts.slots->in_use(), 1);
    rig.on_strand([&] {
        second->on_tracks({v.track});
        EXPECT_EQ(second->rungs().size(), 1u);
        EXPECT_TRUE(second->rungs()[0].passthrough);
    });
    first.reset();
    EXPECT_EQ(opts.slots->in_use(), 0);
    second.reset();
}

}  // namespace
}  // namespace nchat::transcode
