#include "ingest/rtmp/detail/media_mapper.hpp"

#include <gtest/gtest.h>

#include "unit/testing/hex.hpp"

namespace nchat::ingest::rtmp {
namespace {

using Bytes = std::vector<std::uint8_t>;

using nchat::testing::hex;

// x264's SPS for 1280x720 High@3.1 30 fps, wrapped in an avcC with one PPS.
Bytes avc_config_tag() {
    Bytes sps = hex("6764001facd9405005bb0110000003001000000303c0f1831960");
    Bytes tag = {0x17,
                 0x00,
                 0x00,
                 0x00,
                 0x00,
                 0x01,
                 0x64,
                 0x00,
                 0x1f,
                 0xff,
                 0xe1,
                 0x00,
                 static_cast<std::uint8_t>(sps.size())};
    tag.insert(tag.end(), sps.begin(), sps.end());
    for (auto b : hex("01000468ebe3cb"))
        tag.push_back(b);
    return tag;
}

Message video(std::uint32_t ts, Bytes payload) {
    return {6, ts, msg::kVideo, 1, std::move(payload)};
}
Message audio(std::uint32_t ts, Bytes payload) {
    return {4, ts, msg::kAudio, 1, std::move(payload)};
}

TEST(MediaMapper, VideoConfigThenFrames) {
    MediaMapper mm;
    EXPECT_FALSE(mm.on_video(video(0, {0x27, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x41})).packet)
        << "frames before the config are dropped";
    auto cfg = mm.on_video(video(0, avc_config_tag()));
    ASSERT_TRUE(cfg.track);
    EXPECT_EQ(cfg.track->width, 1280u);
    EXPECT_EQ(cfg.track->height, 720u);
    EXPECT_EQ(cfg.track->codec_string, "avc1.64001f");
    EXPECT_EQ(cfg.track->frame_rate, 30.0);

    // IDR (nal type 5) at 1000 ms with CTS 66 ms.
    auto key = mm.on_video(video(1000, {0x17, 0x01, 0x00, 0x00, 0x42, 0, 0, 0, 2, 0x65, 0x88}));
    ASSERT_TRUE(key.packet);
    EXPECT_TRUE(key.packet->keyframe);
    EXPECT_EQ(key.packet->dts, 90000);
    EXPECT_EQ(key.packet->pts, 1066 * 90);
    EXPECT_EQ(*key.packet->data, hex("000000026588"));
    // The FLV header says keyframe but the bitstream holds no IDR: not a keyframe.
    auto fake = mm.on_video(video(1033, {0x17, 0x01, 0, 0, 0, 0, 0, 0, 2, 0x41, 0x9a}));
    EXPECT_FALSE(fake.packet->keyframe);
}

TEST(MediaMapper, AudioConfigAndSampleTimescale) {
    MediaMapper mm;
    auto cfg = mm.on_audio(audio(0, {0xAF, 0x00, 0x11, 0x90}));  // LC 48 kHz stereo
    ASSERT_TRUE(cfg.track);
    EXPECT_EQ(cfg.track->sample_rate, 48000u);
    EXPECT_EQ(cfg.track->timescale, 48000u);
    EXPECT_EQ(cfg.track->codec_string, "mp4a.40.2");
    auto f = mm.on_audio(audio(1000, {0xAF, 0x01, 0x21, 0x00}));
    ASSERT_TRUE(f.packet);
    EXPECT_EQ(f.packet->dts, 48000);
    EXPECT_TRUE(f.packet->keyframe);
    EXPECT_EQ(f.packet->track, kAudioTrack);
}

TEST(MediaMapper, TimestampsSurviveThe32BitWrap) {
    MediaMapper mm;
    mm.on_audio(audio(0, {0xAF, 0x00, 0x11, 0x90}));
    auto a = mm.on_audio(audio(0xFFFFFFF0u, {0xAF, 0x01, 0x01}));
    auto b = mm.on_audio(audio(0x00000010u, {0xAF, 0x01, 0x01}));  // 32 ms later, wrapped
    ASSERT_TRUE(a.packet && b.packet);
    EXPECT_EQ(b.packet->dts - a.packet->dts, 32 * 48);
}

TEST(MediaMapper, RefusesOtherCodecsByName) {
    MediaMapper mm;
    auto hevc = mm.on_video(video(0, {0x90, 'h', 'v', 'c', '1', 0x01}));
    EXPECT_EQ(hevc.unsupported, "HEVC (H.265) video");
    auto mp3 = mm.on_audio(audio(0, {0x2F, 0xFF, 0xFB}));
    EXPECT_EQ(mp3.unsupported, "audio codec other than AAC");
    auto broken = mm.on_video(video(0, {0x17, 0x00, 0, 0, 0, 0x01}));
    EXPECT_TRUE(broken.malformed);
}

}  // namespace
}  // namespace nchat::ingest::rtmp
