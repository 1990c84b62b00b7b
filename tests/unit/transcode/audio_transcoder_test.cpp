// AudioTranscoder on its own, both directions: AAC (RTMP) → Opus for WebRTC viewers and
// Opus (WebRTC) → AAC for HLS. Sources come from the harness's encoders; what comes out is
// decoded back with libavcodec and measured.
#include "transcode/detail/audio_transcoder.hpp"

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/transcode/harness.hpp"

namespace nchat::transcode::detail {
namespace {

struct Pcm {
    int samples = 0;  // per channel
    int channels = 0;
    double rms = 0;  // of channel 0
    int errors = 0;
};

// Decodes `packets` of `track` (AAC or Opus) to float PCM, as a player would: the Opus
// decoder gets the OpusHead made from the track's dOps, so it drops the pre-skip itself.
Pcm decode(const media::TrackInfo& track, const std::vector<media::MediaPacket>& packets) {
    Pcm out;
    const bool opus = track.codec == media::Codec::opus;
    const AVCodec* dec = avcodec_find_decoder(opus ? AV_CODEC_ID_OPUS : AV_CODEC_ID_AAC);
    CodecContextPtr c(avcodec_alloc_context3(dec));
    const auto head = opus ? opus_head_from_dops(track.extradata) : track.extradata;
    set_extradata(c.get(), head.data(), head.size());
    c->sample_rate = static_cast<int>(track.sample_rate);
    av_channel_layout_default(&c->ch_layout, static_cast<int>(track.channels));
    c->request_sample_fmt = AV_SAMPLE_FMT_FLTP;
    if (avcodec_open2(c.get(), dec, nullptr) < 0) {
        out.errors = 1;
        return out;
    }
    PacketPtr pkt = make_packet();
    FramePtr f = make_frame();
    double sum = 0;
    auto receive = [&] {
        while (avcodec_receive_frame(c.get(), f.get()) == 0) {
            out.channels = f->ch_layout.nb_channels;
            for (int n = 0; n < f->nb_samples; ++n) {
                const float v = f->format == AV_SAMPLE_FMT_FLTP
                                    ? reinterpret_cast<const float*>(f->data[0])[n]
                                    : reinterpret_cast<const float*>(f->data[0])[n * out.channels];
                sum += double(v) * v;
            }
            out.samples += f->nb_samples;
            av_frame_unref(f.get());
        }
    };
    for (const auto& p : packets) {
        av_new_packet(pkt.get(), static_cast<int>(p.data->size()));
        std::memcpy(pkt->data, p.data->data(), p.data->size());
        pkt->pts = pkt->dts = p.pts;
        if (avcodec_send_packet(c.get(), pkt.get()) < 0) ++out.errors;
        av_packet_unref(pkt.get());
        receive();
    }
    avcodec_send_packet(c.get(), nullptr);
    receive();
    out.rms = out.samples ? std::sqrt(sum / out.samples) : 0;
    return out;
}

std::vector<media::MediaPacket> run(AudioTranscoder& t, const test::Elementary& in) {
    std::vector<media::MediaPacket> out;
    for (const auto& p : in.packets)
        EXPECT_TRUE(t.push(p, out));
    t.drain(out);
    return out;
}

std::uint16_t be16(const std::vector<std::uint8_t>& b, std::size_t at) {
    return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}

class AudioTranscoderAacToOpus : public testing::TestWithParam<int> {};

TEST_P(AudioTranscoderAacToOpus, GivesTwentyMillisecondPacketsThatDecodeToTheSameLength) {
    const int channels = GetParam();
    const auto src = test::make_audio("aac", 2, channels);
    std::string why;
    auto t = AudioTranscoder::open(src.track, media::Codec::opus, why);
    ASSERT_TRUE(t) << why;

    const auto& tr = t->track();
    EXPECT_EQ(tr.kind, media::TrackKind::audio);
    EXPECT_EQ(tr.codec, media::Codec::opus);
    EXPECT_EQ(tr.timescale, 48000u);
    EXPECT_EQ(tr.sample_rate, 48000u);
    EXPECT_EQ(tr.channels, static_cast<std::uint32_t>(channels));
    EXPECT_EQ(tr.samples_per_frame, 960u);
    EXPECT_EQ(tr.codec_string, "opus");
    EXPECT_EQ(tr.bitrate, static_cast<std::uint32_t>(kOpusBitrate));
    // dOps (ISO BMFF Opus §4.3.2): Version 0, OutputChannelCount, PreSkip (16, the encoder's
    // lookahead: 312 at 48 kHz for libopus), InputSampleRate 48000, OutputGain 0,
    // ChannelMappingFamily 0.
    const auto& d = tr.extradata;
    ASSERT_EQ(d.size(), 11u);
    EXPECT_EQ(d[0], 0);
    EXPECT_EQ(d[1], channels);
    const int pre_skip = be16(d, 2);
    EXPECT_GT(pre_skip, 0);
    EXPECT_LE(pre_skip, 960);
    EXPECT_EQ(std::vector<std::uint8_t>(d.begin() + 4, d.end()),
              (std::vector<std::uint8_t>{0x00, 0x00, 0xbb, 0x80, 0x00, 0x00, 0x00}));

    const auto out = run(*t, src);
    ASSERT_GT(out.size(), 90u);  // 2 s of 20 ms
    // The source's clock (its first packet is at 0), in 48 kHz, one packet per 960 samples.
    EXPECT_EQ(out.front().pts, src.packets.front().pts);
    for (std::size_t i = 0; i < out.size(); ++i) {
        EXPECT_TRUE(out[i].keyframe);
        // TOC config (RFC 6716 §3.1) below 16: SILK or hybrid, the modes whose SILK layer
        // carries in-band FEC. (CELT-only, 16-31, would carry none.)
        EXPECT_LT((*out[i].data)[0] >> 3, 16) << i;
        EXPECT_EQ(out[i].dts, out[i].pts);
        if (i > 0) {
            EXPECT_EQ(out[i].pts - out[i - 1].pts, 960) << i;
        }
    }

    // Every sample the AAC decoder gave (a 1024-sample frame per packet) comes back once;
    // the Opus decoder drops the pre-skip and the encoder pads the last frame to 960.
    const auto in_pcm = decode(src.track, src.packets);
    const auto out_pcm = decode(tr, out);
    EXPECT_EQ(in_pcm.errors, 0);
    EXPECT_EQ(out_pcm.errors, 0);
    EXPECT_EQ(out_pcm.channels, channels);
    EXPECT_GE(out_pcm.samples, in_pcm.samples);
    EXPECT_LT(out_pcm.samples, in_pcm.samples + 960);
    EXPECT_EQ(static_cast<int>(out.size()) * 960 - pre_skip, out_pcm.samples);
    // The tone survives: a 0.3 sine has an RMS of 0.21.
    EXPECT_NEAR(out_pcm.rms, in_pcm.rms, 0.03);
    EXPECT_NEAR(out_pcm.rms, 0.3 / std::sqrt(2.0), 0.03);
}

INSTANTIATE_TEST_SUITE_P(Channels,
                         AudioTranscoderAacToOpus,
                         testing::Values(1, 2),
                         [](const auto& info) { return info.param == 1 ? "mono" : "stereo"; });

TEST(AudioTranscoder, AacAt44100IsResampledToOpusAt48000) {
    // RTMP encoders often send 44.1 kHz: the source clock is 44100, the output's 48000.
    const auto src = test::make_audio("aac", 2, 2, 44100);
    std::string why;
    auto t = AudioTranscoder::open(src.track, media::Codec::opus, why);
    ASSERT_TRUE(t) << why;
    EXPECT_EQ(t->track().timescale, 48000u);
    const auto out = run(*t, src);
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.front().pts, 0);
    for (std::size_t i = 1; i < out.size(); ++i)
        EXPECT_EQ(out[i].pts - out[i - 1].pts, 960) << i;
    const auto in_pcm = decode(src.track, src.packets);
    const auto out_pcm = decode(t->track(), out);
    const double expected = in_pcm.samples * 48000.0 / 44100;
    EXPECT_NEAR(out_pcm.samples, expected, 960);
    EXPECT_NEAR(out_pcm.rms, 0.3 / std::sqrt(2.0), 0.03);
}

TEST(AudioTranscoder, AacToOpusFollowsTheSourcesClockFromWhereItStarts) {
    auto src = test::make_audio("aac", 1);
    for (auto& p : src.packets) {
        p.pts += 48000 * 60;  // a minute into the publish
        p.dts = p.pts;
    }
    std::string why;
    auto t = AudioTranscoder::open(src.track, media::Codec::opus, why);
    ASSERT_TRUE(t) << why;
    const auto out = run(*t, src);
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.front().pts, 48000 * 60);
}

TEST(AudioTranscoder, ABadAacPacketIsRefusedAndTheNextGoodOnesStillEncode) {
    const auto src = test::make_audio("aac", 1);
    std::string why;
    auto t = AudioTranscoder::open(src.track, media::Codec::opus, why);
    ASSERT_TRUE(t) << why;
    std::vector<media::MediaPacket> out;
    for (std::size_t i = 0; i < 10; ++i)
        ASSERT_TRUE(t->push(src.packets[i], out));
    // A single channel element whose section data runs past the end of the packet.
    media::MediaPacket bad = src.packets[10];
    bad.data = std::make_shared<const std::vector<std::uint8_t>>(
        std::vector<std::uint8_t>{0x01, 0x40, 0x20, 0x07, 0xff, 0xff, 0xff, 0xff});
    EXPECT_FALSE(t->push(bad, out));
    const std::size_t before = out.size();
    for (std::size_t i = 11; i < src.packets.size(); ++i)
        EXPECT_TRUE(t->push(src.packets[i], out));
    t->drain(out);
    EXPECT_GT(out.size(), before + 30);
    for (std::size_t i = 1; i < out.size(); ++i)
        EXPECT_EQ(out[i].pts - out[i - 1].pts, 960) << i;
}

TEST(AudioTranscoder, OpusToAacGivesAacLcFramesOnTheSourcesClock) {
    const auto src = test::make_audio("libopus", 2);
    std::string why;
    auto t = AudioTranscoder::open(src.track, media::Codec::aac, why);
    ASSERT_TRUE(t) << why;
    const auto& tr = t->track();
    EXPECT_EQ(tr.codec, media::Codec::aac);
    EXPECT_EQ(tr.codec_string, "mp4a.40.2");
    EXPECT_EQ(tr.timescale, 48000u);
    EXPECT_EQ(tr.channels, 2u);
    EXPECT_EQ(tr.samples_per_frame, 1024u);
    EXPECT_EQ(tr.bitrate, static_cast<std::uint32_t>(kAacBitrate));
    const auto out = run(*t, src);
    ASSERT_GT(out.size(), 80u);
    // The source's first packet is at 0 and starts with its pre-skip, which the Opus decoder
    // drops: the first sample heard is at pre-skip, and so is the first AAC packet.
    EXPECT_EQ(out.front().pts, be16(src.track.extradata, 2));
    for (std::size_t i = 1; i < out.size(); ++i)
        EXPECT_EQ(out[i].pts - out[i - 1].pts, 1024) << i;
    const auto pcm = decode(tr, out);
    EXPECT_EQ(pcm.errors, 0);
    EXPECT_EQ(pcm.samples, static_cast<int>(out.size()) * 1024);
    EXPECT_NEAR(pcm.rms, 0.3 / std::sqrt(2.0), 0.03);
}

TEST(AudioTranscoder, RefusesToMakeWhatTheSourceAlreadyIs) {
    const auto aac = test::make_audio("aac", 0.1);
    std::string why;
    EXPECT_FALSE(AudioTranscoder::open(aac.track, media::Codec::aac, why));
    EXPECT_NE(why.find("AAC"), std::string::npos) << why;
    EXPECT_FALSE(AudioTranscoder::open(aac.track, media::Codec::h264, why));
}

TEST(AudioTranscoder, DopsAndOpusHeadConvertBothWays) {
    // OpusHead (RFC 7845 §5.1), little-endian:
    const std::vector<std::uint8_t> head = {
        'O',  'p',  'u',  's',  'H', 'e', 'a', 'd',  // magic
        0x01,                                        // version 1
        0x02,                                        // channels
        0x38, 0x01,                                  // pre-skip 312
        0x44, 0xac, 0x00, 0x00,                      // input rate 44100
        0x00, 0x00,                                  // gain 0
        0x00,                                        // mapping family 0
    };
    // dOps (ISO BMFF Opus §4.3.2), big-endian, version 0:
    const std::vector<std::uint8_t> dops = {0x00, 0x02, 0x01, 0x38, 0x00, 0x00,
                                            0xac, 0x44, 0x00, 0x00, 0x00};
    EXPECT_EQ(dops_from_opus_head(head.data(), head.size()), dops);
    EXPECT_EQ(opus_head_from_dops(dops), head);
    for (std::size_t n = 0; n < head.size(); ++n)
        EXPECT_TRUE(dops_from_opus_head(head.data(), n).empty()) << n;
    auto not_opus = head;
    not_opus[0] = 'X';
    EXPECT_TRUE(dops_from_opus_head(not_opus.data(), not_opus.size()).empty());
}

}  // namespace
}  // namespace nchat::transcode::detail
