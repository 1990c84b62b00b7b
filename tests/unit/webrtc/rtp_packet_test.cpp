#include "webrtc/rtp_packet.hpp"

#include <gtest/gtest.h>

#include "unit/testing/hex.hpp"

namespace nchat::webrtc {
namespace {

using testing::Bytes;
using testing::hex;

TEST(RtpPacket, ParsesHeaderOneByteExtensionsAndPadding) {
    const Bytes d =
        hex("b0 e0 1234"  // V=2 P=1 X=1 CC=0 | M=1 PT=96 | seq 0x1234
            "00010000"    // timestamp 65536
            "deadbeef"    // SSRC
            "bede 0002"   // one-byte extensions, 2 words
            "10 aa"       // ID 1, 1 byte
            "22 bbccdd"   // ID 2, 3 bytes
            "00 00"       // padding
            "65 88 84"    // payload
            "00 00 03");  // RTP padding, 3 bytes
    auto p = parse_rtp(d);
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_TRUE(p->marker);
    EXPECT_EQ(p->payload_type, 96);
    EXPECT_EQ(p->sequence, 0x1234);
    EXPECT_EQ(p->timestamp, 65536u);
    EXPECT_EQ(p->ssrc, 0xdeadbeefu);
    EXPECT_EQ(Bytes(p->payload().begin(), p->payload().end()), hex("658884"));
    ASSERT_TRUE(p->extension(1));
    EXPECT_EQ(Bytes(p->extension(1)->begin(), p->extension(1)->end()), hex("aa"));
    ASSERT_TRUE(p->extension(2));
    EXPECT_EQ(Bytes(p->extension(2)->begin(), p->extension(2)->end()), hex("bbccdd"));
    EXPECT_FALSE(p->extension(3));
    EXPECT_FALSE(p->extension(0));
}

TEST(RtpPacket, ParsesTwoByteExtensionsAndCsrcs) {
    const Bytes d =
        hex("91 6f 0001 00000002 00000003"  // CC=1, X=1, PT=111
            "11111111"                      // CSRC
            "1000 0002"                     // two-byte extensions, 2 words
            "05 00"                         // ID 5, empty
            "00"                            // padding
            "20 03 010203"                  // ID 32, 3 bytes
            "ff");                          // payload
    auto p = parse_rtp(d);
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->two_byte_extensions);
    ASSERT_TRUE(p->extension(5));
    EXPECT_TRUE(p->extension(5)->empty());
    ASSERT_TRUE(p->extension(32));
    EXPECT_EQ(p->extension(32)->size(), 3u);
    EXPECT_EQ(p->payload().size(), 1u);
}

TEST(RtpPacket, StopsAtId15AndIgnoresUnknownProfiles) {
    auto p = parse_rtp(hex("90 60 0001 00000002 00000003 bede 0001 f0 10 aa 00"));
    ASSERT_TRUE(p);
    EXPECT_FALSE(p->extension(1));  // after the ID 15 stop
    auto q = parse_rtp(hex("90 60 0001 00000002 00000003 abcd 0001 10 aa 00 00 77"));
    ASSERT_TRUE(q);
    EXPECT_FALSE(q->extension(1));
    EXPECT_EQ(q->payload().size(), 1u);
}

TEST(RtpPacket, RejectsBadPaddingVersionAndLength) {
    EXPECT_EQ(parse_rtp(hex("a0 60 0001 00000002 00000003 00")).error(), rtp_error::malformed);
    EXPECT_EQ(parse_rtp(hex("a0 60 0001 00000002 00000003 05")).error(), rtp_error::malformed);
    EXPECT_EQ(parse_rtp(hex("40 60 0001 00000002 00000003")).error(), rtp_error::bad_version);
    EXPECT_EQ(parse_rtp(hex("90 60 0001 00000002 00000003 bede 0002 10 aa")).error(),
              rtp_error::truncated);
    EXPECT_EQ(parse_rtp(Bytes(9000, 0x80)).error(), rtp_error::too_large);
    // A padding byte counting the whole payload leaves an empty one.
    auto p = parse_rtp(hex("a0 60 0001 00000002 00000003 0000 03"));
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->payload().empty());
}

TEST(RtpPacket, EveryTruncatedPrefixFailsCleanly) {
    const Bytes d = hex("91 e0 1234 00010000 deadbeef 11111111 bede 0001 10 aa 00 00 65");
    for (std::size_t n = 0; n < 12 + 4 + 8; ++n) {
        auto p = parse_rtp(Bytes(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(n)));
        EXPECT_FALSE(p) << n;
    }
    EXPECT_TRUE(parse_rtp(d));
}

TEST(RtpPacket, WriteThenParseGivesTheSameFields) {
    const Bytes abs = hex("112233");
    const Bytes mid = hex("30");
    const RtpExtension ext[] = {{3, abs}, {4, mid}};
    const Bytes payload = hex("0102030405");
    const RtpHeaderFields h{true, 102, 65535, 0xfffffff0, 42};
    const Bytes out = write_rtp(h, ext, payload);
    EXPECT_EQ(out, hex("90 e6 ffff fffffff0 0000002a bede 0002 32 112233 40 30 00 00"
                       "0102030405"));
    auto p = parse_rtp(out);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->sequence, 65535);
    EXPECT_EQ(Bytes(p->extension(3)->begin(), p->extension(3)->end()), abs);
    EXPECT_EQ(Bytes(p->extension(4)->begin(), p->extension(4)->end()), mid);
    EXPECT_EQ(Bytes(p->payload().begin(), p->payload().end()), payload);
    EXPECT_EQ(write_rtp(h, {}, payload), hex("80 e6 ffff fffffff0 0000002a 0102030405"));
}

TEST(RtpPacket, UnwrapsRtxRetransmissions) {
    // RTX PT 97, seq 500, SSRC 0x0a0a0a0a, one extension, OSN 0x1234, padding 2.
    auto rtx =
        parse_rtp(hex("b0 e1 01f4 00000bb8 0a0a0a0a bede 0001 10 aa 0000"
                      "1234 6588 0002"));
    ASSERT_TRUE(rtx);
    auto p = unwrap_rtx(*rtx, 96, 0x0b0b0b0b);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->bytes, hex("90 e0 1234 00000bb8 0b0b0b0b bede 0001 10 aa 0000 6588"));
    EXPECT_EQ(p->sequence, 0x1234);
    EXPECT_EQ(p->payload_type, 96);
    EXPECT_EQ(p->ssrc, 0x0b0b0b0bu);
    EXPECT_TRUE(p->marker);
    EXPECT_EQ(Bytes(p->payload().begin(), p->payload().end()), hex("6588"));
    EXPECT_EQ(Bytes(p->extension(1)->begin(), p->extension(1)->end()), hex("aa"));
    // Reparsed, the same packet.
    auto again = parse_rtp(p->bytes);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->payload_offset, p->payload_offset);
    EXPECT_EQ(again->payload_size, p->payload_size);
    // A padding-only probe has no OSN.
    auto probe = parse_rtp(hex("a0 61 01f5 00000bb8 0a0a0a0a 0000 0003"));
    ASSERT_TRUE(probe);
    EXPECT_EQ(unwrap_rtx(*probe, 96, 1).error(), rtp_error::truncated);
}

TEST(RtpPacket, TellsRtcpFromRtp) {
    EXPECT_TRUE(looks_like_rtcp(hex("80 c8")));   // SR 200
    EXPECT_TRUE(looks_like_rtcp(hex("81 cd")));   // RTPFB 205
    EXPECT_FALSE(looks_like_rtcp(hex("80 60")));  // PT 96
    EXPECT_FALSE(looks_like_rtcp(hex("80 e0")));  // M=1 PT 96
    EXPECT_FALSE(looks_like_rtcp(hex("80")));
}

TEST(RtpSequenceUnwrapper, HandlesWrapAndReordering) {
    SequenceUnwrapper u;
    EXPECT_EQ(u.unwrap(65534), 65534);
    EXPECT_EQ(u.unwrap(65535), 65535);
    EXPECT_EQ(u.unwrap(1), 65537);      // wrapped, 0 still missing
    EXPECT_EQ(u.unwrap(0), 65536);      // late, before the highest
    EXPECT_EQ(u.unwrap(65533), 65533);  // late from before the wrap
    EXPECT_EQ(u.unwrap(2), 65538);
    EXPECT_EQ(u.unwrap(30000), 30000 + 65536);  // ahead by < 2^15
    EXPECT_EQ(u.unwrap(65000), 65000);          // behind by < 2^15
    u.reset();
    EXPECT_EQ(u.unwrap(7), 7);
}

TEST(RtpSequenceUnwrapper, GoesBackBeforeTheFirst) {
    SequenceUnwrapper u;
    EXPECT_EQ(u.unwrap(0), 0);
    EXPECT_EQ(u.unwrap(65535), -1);
}

}  // namespace
}  // namespace nchat::webrtc
