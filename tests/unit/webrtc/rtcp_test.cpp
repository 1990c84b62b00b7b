#include "webrtc/rtcp.hpp"

#include <gtest/gtest.h>

#include "unit/testing/hex.hpp"
#include "webrtc/limits.hpp"

namespace nchat::webrtc {
namespace {

using testing::Bytes;
using testing::hex;

template <class T>
const T& only(const util::Result<std::vector<RtcpItem>>& r) {
    EXPECT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->size(), 1u);
    return std::get<T>(r->front());
}

const Bytes kSrRrSdes =
    hex("81 c8 000c"                                 // V=2 RC=1 SR, 13 words
        "11111111"                                   // sender SSRC
        "e8f0a1b2 c3d40000"                          // NTP
        "0001e240"                                   // RTP timestamp 123456
        "00000064 0000c350"                          // 100 packets, 50000 octets
        "22222222"                                   // report block: SSRC
        "05 fffffe"                                  // fraction 5, cumulative lost -2
        "0001000a"                                   // highest seq 65546
        "00000020"                                   // jitter 32
        "a1b2c3d4 00010000"                          // LSR, DLSR (1 s)
        "81 ca 0003 11111111 01 04 61626364 0000");  // SDES: CNAME "abcd", end, pad

TEST(RtcpParse, SenderReportWithABlockThenSdes) {
    auto r = parse_rtcp(kSrRrSdes);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 2u);
    const auto& sr = std::get<SenderReport>((*r)[0]);
    EXPECT_EQ(sr.ssrc, 0x11111111u);
    EXPECT_EQ(sr.ntp, 0xe8f0a1b2c3d40000u);
    EXPECT_EQ(sr.rtp_timestamp, 123456u);
    EXPECT_EQ(sr.packet_count, 100u);
    EXPECT_EQ(sr.octet_count, 50000u);
    ASSERT_EQ(sr.blocks.size(), 1u);
    const ReportBlock want{0x22222222, 5, -2, 65546, 32, 0xa1b2c3d4, 0x10000};
    EXPECT_EQ(sr.blocks[0], want);
    EXPECT_EQ(std::get<Unknown>((*r)[1]), (Unknown{202, 1}));
    // Built back, the SR is the same bytes.
    EXPECT_EQ(build_sender_report(sr), Bytes(kSrRrSdes.begin(), kSrRrSdes.begin() + 52));
}

TEST(RtcpParse, EveryTruncatedPrefixFails) {
    for (std::size_t n = 0; n < kSrRrSdes.size(); ++n) {
        if (n == 52) continue;  // the SR alone is a whole compound
        EXPECT_FALSE(parse_rtcp(std::span(kSrRrSdes).first(n))) << n;
    }
}

TEST(RtcpParse, RejectsBadVersionPaddingAndLimits) {
    EXPECT_EQ(parse_rtcp(hex("41 c9 0001 11111111")).error(), rtp_error::bad_version);
    // Padding on a packet that is not the last.
    EXPECT_EQ(parse_rtcp(hex("a0 c9 0001 11111111 80 c9 0001 22222222")).error(),
              rtp_error::malformed);
    // RR claiming one block with none there.
    EXPECT_EQ(parse_rtcp(hex("81 c9 0001 11111111")).error(), rtp_error::malformed);
    Bytes many;
    for (std::size_t i = 0; i <= limits::kMaxRtcpItems; ++i) {
        const auto bye = hex("80 cb 0000");
        many.insert(many.end(), bye.begin(), bye.end());
    }
    EXPECT_EQ(parse_rtcp(many).error(), rtp_error::too_large);
    // Padding on the last packet is removed.
    auto r = parse_rtcp(hex("a1 cb 0002 33333333 00000004"));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(std::get<Bye>(r->front()).ssrcs, std::vector<std::uint32_t>{0x33333333});
}

TEST(RtcpParse, FeedbackMessages) {
    EXPECT_EQ(only<Pli>(parse_rtcp(hex("81 ce 0002 11111111 22222222"))),
              (Pli{0x11111111, 0x22222222}));
    EXPECT_EQ(only<Fir>(parse_rtcp(hex("84 ce 0004 11111111 00000000 22222222 07 000000"))),
              (Fir{0x11111111, {{0x22222222, 7}}}));
    // REMB: 1 SSRC, exp 3, mantissa 0x3_0d40 → 200000 << 3 = 1.6 Mbit/s.
    EXPECT_EQ(
        only<Remb>(parse_rtcp(hex("8f ce 0005 11111111 00000000 52454d42 01 0f 0d40 22222222"))),
        (Remb{0x11111111, 1600000, {0x22222222}}));
    EXPECT_EQ(only<Unknown>(parse_rtcp(hex("8f ce 0003 11111111 00000000 41424344"))),
              (Unknown{206, 15}));
    // NACK: PID 65534, BLP bits 0 and 2 → 65534, 65535, 1.
    EXPECT_EQ(only<Nack>(parse_rtcp(hex("81 cd 0003 11111111 22222222 fffe 0005"))),
              (Nack{0x11111111, 0x22222222, {65534, 65535, 1}}));
    EXPECT_EQ(parse_rtcp(hex("81 cd 0001 11111111")).error(), rtp_error::malformed);
}

TEST(RtcpBuild, NackPacksIntoPidAndBlp) {
    const std::uint16_t seqs[] = {65534, 65535, 1, 17, 40};
    const Bytes b = build_nack(1, 2, seqs);
    EXPECT_EQ(b, hex("81 cd 0005 00000001 00000002"
                     "fffe 0005"     // 65534 + {65535, 1}
                     "0011 0000"     // 17 (19 past 65534: a new PID)
                     "0028 0000"));  // 40
    EXPECT_EQ(only<Nack>(parse_rtcp(b)).lost,
              (std::vector<std::uint16_t>{65534, 65535, 1, 17, 40}));
}

TEST(RtcpBuild, PliFirRembByeAndReceiverReportRoundTrip) {
    EXPECT_EQ(build_pli(1, 2), hex("81 ce 0002 00000001 00000002"));
    EXPECT_EQ(build_fir(1, 2, 9), hex("84 ce 0004 00000001 00000000 00000002 09 000000"));
    EXPECT_EQ(only<Fir>(parse_rtcp(build_fir(1, 2, 9))), (Fir{1, {{2, 9}}}));
    const std::uint32_t ssrcs[] = {7, 8};
    for (std::uint64_t bps : {0ull, 1000ull, 262143ull, 2500000ull, 1ull << 40}) {
        const auto remb = only<Remb>(parse_rtcp(build_remb(1, bps, ssrcs)));
        EXPECT_LE(remb.bitrate_bps, bps);
        EXPECT_GE(remb.bitrate_bps, bps - bps / 100000);  // 18-bit mantissa precision
        EXPECT_EQ(remb.ssrcs, (std::vector<std::uint32_t>{7, 8}));
    }
    EXPECT_EQ(build_remb(1, 2500000, ssrcs),
              hex("8f ce 0006 00000001 00000000 52454d42 02 12 625a 00000007 00000008"));
    EXPECT_EQ(only<Bye>(parse_rtcp(build_bye(ssrcs))).ssrcs, (std::vector<std::uint32_t>{7, 8}));
    const ReportBlock blocks[] = {{5, 10, -3, 70000, 12, 0xabcdef01, 300},
                                  {6, 0, 0x7fffff, 1, 0, 0, 0}};
    const auto rr = only<ReceiverReport>(parse_rtcp(build_receiver_report(9, blocks)));
    EXPECT_EQ(rr.ssrc, 9u);
    EXPECT_EQ(rr.blocks, (std::vector<ReportBlock>(std::begin(blocks), std::end(blocks))));
    EXPECT_EQ(build_receiver_report(9, {}), hex("80 c9 0001 00000009"));
}

TEST(RtcpTime, NtpAndRtt) {
    using namespace std::chrono;
    // 2024-01-01T00:00:00.5Z: 1704067200 s after 1970.
    const system_clock::time_point t{seconds(1704067200) + milliseconds(500)};
    const std::uint64_t ntp = to_ntp(t);
    EXPECT_EQ(ntp >> 32, 1704067200u + 2208988800u);
    EXPECT_EQ(ntp & 0xffffffffu, 0x80000000u);
    // RFC 3550 §6.4.1's example: A = 0xb710_8000 (46864.5 s), LSR 0xb705_2000 (46853.125 s),
    // DLSR 0x0005_4000 (5.25 s) → RTT 6.125 s.
    ReportBlock b;
    b.lsr = 0xb7052000;
    b.dlsr = 0x00054000;
    EXPECT_EQ(rtt_from_report_block(b, 0xb7108000), microseconds(6'125'000));
    EXPECT_FALSE(rtt_from_report_block(b, 0xb7052000));  // negative
    b.lsr = 0;
    EXPECT_FALSE(rtt_from_report_block(b, 0xb7108000));
}

}  // namespace
}  // namespace nchat::webrtc
