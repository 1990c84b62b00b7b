#include "media/aac.hpp"

#include <gtest/gtest.h>

namespace nchat::media {
namespace {

TEST(Aac, AudioSpecificConfig) {
    // FFmpeg's AAC encoder at 44.1 kHz stereo: 12 10 (+ sync extension 56 e5 00).
    const std::uint8_t lc44[] = {0x12, 0x10, 0x56, 0xe5, 0x00};
    auto c = parse_audio_specific_config(lc44);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->object_type, 2);
    EXPECT_EQ(c->sample_rate, 44100u);
    EXPECT_EQ(c->channels, 2);
    EXPECT_EQ(aac_codec_string(*c), "mp4a.40.2");
    // 48 kHz mono LC: 00010 0011 0001 000 = 11 88.
    const std::uint8_t lc48mono[] = {0x11, 0x88};
    c = parse_audio_specific_config(lc48mono);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->sample_rate, 48000u);
    EXPECT_EQ(c->channels, 1);
    const std::uint8_t explicit_rate[] = {0x17, 0x80, 0x01, 0xF4, 0x08};  // index 15, 1000 Hz
    c = parse_audio_specific_config(explicit_rate);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->sample_rate, 1000u);
}

TEST(Aac, RefusesShortOrReserved) {
    const std::uint8_t one[] = {0x12};
    EXPECT_FALSE(parse_audio_specific_config(one));
    const std::uint8_t reserved_rate[] = {0x16, 0x90};  // frequency index 13
    EXPECT_FALSE(parse_audio_specific_config(reserved_rate));
    EXPECT_FALSE(parse_audio_specific_config({}));
}

}  // namespace
}  // namespace nchat::media
