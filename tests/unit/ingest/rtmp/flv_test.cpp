#include "ingest/rtmp/detail/flv.hpp"

#include <gtest/gtest.h>

namespace nchat::ingest::rtmp {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(FlvVideo, LegacyAvcConfigAndFrames) {
    // 17 = keyframe|AVC, 00 = sequence header, CTS 0, then the avcC record.
    Bytes config = {0x17, 0x00, 0x00, 0x00, 0x00, 0x01, 0x64, 0x00, 0x1f};
    auto t = parse_video_tag(config);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->codec, VideoCodec::avc);
    EXPECT_EQ(t->kind, PacketKind::config);
    EXPECT_TRUE(t->keyframe);
    EXPECT_EQ(t->data.size(), 4u);
    // 27 = inter|AVC, 01 = NALUs, CTS = -33 ms (ff ff df): B-frames reorder backwards too.
    Bytes frame = {0x27, 0x01, 0xff, 0xff, 0xdf, 0x00, 0x00, 0x00, 0x01, 0x41};
    t = parse_video_tag(frame);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->kind, PacketKind::frame);
    EXPECT_FALSE(t->keyframe);
    EXPECT_EQ(t->composition_time, -33);
    EXPECT_EQ(t->data.size(), 5u);
    Bytes cts_pos = {0x17, 0x01, 0x00, 0x00, 0x42};
    EXPECT_EQ(parse_video_tag(cts_pos)->composition_time, 66);
}

TEST(FlvVideo, EnhancedRtmpHevcAndAvc) {
    // 0x90 = ex-header | keyframe | SequenceStart, 'hvc1'.
    Bytes hevc_config = {0x90, 'h', 'v', 'c', '1', 0x01, 0x02};
    auto t = parse_video_tag(hevc_config);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->codec, VideoCodec::hevc);
    EXPECT_EQ(t->kind, PacketKind::config);
    // 0x91 = CodedFrames with SI24 CTS for hvc1.
    Bytes hevc_frame = {0x91, 'h', 'v', 'c', '1', 0x00, 0x00, 0x21, 0xAA};
    t = parse_video_tag(hevc_frame);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->kind, PacketKind::frame);
    EXPECT_EQ(t->composition_time, 33);
    EXPECT_EQ(t->data.size(), 1u);
    // 0xA3 = inter | CodedFramesX (no CTS), avc1.
    Bytes avc_x = {0xA3, 'a', 'v', 'c', '1', 0xBB};
    t = parse_video_tag(avc_x);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->codec, VideoCodec::avc);
    EXPECT_FALSE(t->keyframe);
    EXPECT_EQ(t->composition_time, 0);
    EXPECT_EQ(t->data.size(), 1u);
}

TEST(FlvVideo, OtherCodecsAndTruncation) {
    Bytes vp6 = {0x14, 0x00};
    EXPECT_EQ(parse_video_tag(vp6)->codec, VideoCodec::other);
    EXPECT_FALSE(parse_video_tag({}));
    Bytes short_avc = {0x17, 0x01, 0x00};
    EXPECT_FALSE(parse_video_tag(short_avc));
    Bytes short_ex = {0x90, 'h', 'v'};
    EXPECT_FALSE(parse_video_tag(short_ex));
}

TEST(FlvAudio, AacAndOthers) {
    Bytes asc = {0xAF, 0x00, 0x12, 0x10};  // AAC, 44 kHz 16-bit stereo flags, config
    auto t = parse_audio_tag(asc);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->codec, AudioCodec::aac);
    EXPECT_EQ(t->kind, PacketKind::config);
    EXPECT_EQ(t->data.size(), 2u);
    Bytes raw = {0xAF, 0x01, 0x21, 0x10, 0x04};
    t = parse_audio_tag(raw);
    EXPECT_EQ(t->kind, PacketKind::frame);
    EXPECT_EQ(t->data.size(), 3u);
    Bytes mp3 = {0x2F, 0xFF};
    EXPECT_EQ(parse_audio_tag(mp3)->codec, AudioCodec::other);
    Bytes opus = {0x90, 'O', 'p', 'u', 's', 0x01};
    t = parse_audio_tag(opus);
    EXPECT_EQ(t->codec, AudioCodec::opus);
    EXPECT_EQ(t->kind, PacketKind::config);
    Bytes truncated = {0xAF};
    EXPECT_FALSE(parse_audio_tag(truncated));
}

}  // namespace
}  // namespace nchat::ingest::rtmp
