// One received m-line of a WHIP publish: packets in (any order, with padding), access units
// out with their parameter sets on keyframes, timed on the session's clock.
#include "ingest/whip/track_receiver.hpp"

#include <chrono>

#include <gtest/gtest.h>

#include "unit/testing/hex.hpp"
#include "unit/webrtc/rtp_test_util.hpp"
#include "webrtc/h264_packetizer.hpp"

namespace nchat::ingest::whip {
namespace {

using namespace std::chrono_literals;
using nchat::testing::hex;
using Bytes = std::vector<std::uint8_t>;
using webrtc::test::avcc4;
using webrtc::test::make_packet;
using webrtc::test::nal;
using Clock = std::chrono::steady_clock;

// x264's SPS for 1280x720 High 3.1 (tests/unit/media/h264_test.cpp) and a PPS.
const Bytes kSps = hex("6764001facd9405005bb0110000003001000000303c0f1831960");
const Bytes kPps = hex("68ebecb22c");

webrtc::MediaChoice video_choice() {
    webrtc::MediaChoice c;
    c.accepted = true;
    c.kind = "video";
    c.mid = "1";
    c.codec.pt = 96;
    c.codec.name = "H264";
    c.codec.clock = 90000;
    return c;
}

// An access unit as RTP packets from `seq`, SPS and PPS first (in a STAP-A) on keyframes.
std::vector<webrtc::RtpPacket> packets(const Bytes& au,
                                       bool key,
                                       std::uint16_t& seq,
                                       std::uint32_t ts) {
    std::vector<webrtc::RtpPacket> out;
    for (auto& p : webrtc::packetize_h264(au, key ? kSps : Bytes{}, key ? kPps : Bytes{}, key, 200))
        out.push_back(make_packet(seq++, ts, p.marker, p.bytes));
    return out;
}

TEST(WhipTrackReceiver, KeyframesCarryTheirParameterSetsAndFramesAreTimedFromTheEpoch) {
    TrackReceiver r(video_choice());
    const auto epoch = Clock::now();
    const auto now = epoch + 40ms;  // this track's first packet came 40 ms after the session's
    std::uint16_t seq = 65530;      // wraps inside the second frame
    const Bytes idr = nal(0x65, 700, 1);
    const Bytes slice = nal(0x41, 500, 2);
    auto first = packets(avcc4({hex("09f0"), idr}), true, seq, 0xfffff000);
    // A padding packet between the frames (a browser probing bandwidth): no payload.
    auto padding = make_packet(seq++, 0xfffff000, false, {});
    auto second = packets(avcc4({slice}), false, seq, 0xfffff000 + 3000);
    // Out of order after the first packet (which starts the sequence): the second frame's
    // packets, then the rest of the first's, then the padding.
    r.push(std::move(first.front()), now, epoch);
    for (auto& p : second)
        r.push(std::move(p), now, epoch);
    for (std::size_t i = 1; i < first.size(); ++i)
        r.push(std::move(first[i]), now, epoch);
    r.push(std::move(padding), now, epoch);

    auto out = r.drain(now + 1s);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_TRUE(out[0].keyframe);
    EXPECT_EQ(out[0].data, avcc4({kSps, kPps, idr}));  // the AUD is gone
    EXPECT_EQ(out[0].dts, 40 * 90);
    EXPECT_FALSE(out[1].keyframe);
    EXPECT_EQ(out[1].data, avcc4({slice}));
    EXPECT_EQ(out[1].dts, 40 * 90 + 3000);  // across the 32-bit RTP clock's wrap

    auto info = r.info();
    ASSERT_TRUE(info);
    EXPECT_EQ(info->width, 1280u);
    EXPECT_EQ(info->height, 720u);
    EXPECT_EQ(info->codec_string, "avc1.64001f");
    const auto c = r.counters();
    EXPECT_EQ(c.frames, 2u);
    EXPECT_EQ(c.keyframes, 1u);
    EXPECT_EQ(c.frames_dropped, 0u);
    EXPECT_EQ(c.lost, 0u);
    EXPECT_FALSE(r.wants_keyframe());
}

TEST(WhipTrackReceiver, ALostPacketIsNackedThenItsFrameDroppedUntilTheNextKeyframe) {
    TrackReceiver r(video_choice());
    const auto epoch = Clock::now();
    std::uint16_t seq = 10;
    for (auto& p : packets(avcc4({nal(0x65, 600, 1)}), true, seq, 0))
        r.push(std::move(p), epoch, epoch);
    auto broken = packets(avcc4({nal(0x41, 600, 2)}), false, seq, 3000);
    const auto missing = broken[1].sequence;
    broken.erase(broken.begin() + 1);
    for (auto& p : broken)
        r.push(std::move(p), epoch, epoch);
    auto nacks = r.nacks_due(epoch + 1ms);
    ASSERT_EQ(nacks, std::vector<std::uint16_t>{missing});
    // Never retransmitted: after the reorder buffer's wait the frame is given up.
    auto out = r.drain(epoch + 1s);
    ASSERT_EQ(out.size(), 1u);  // the keyframe only
    EXPECT_TRUE(r.wants_keyframe());
    for (auto& p : packets(avcc4({nal(0x41, 300, 3)}), false, seq, 6000))
        r.push(std::move(p), epoch + 1s, epoch);
    EXPECT_TRUE(r.drain(epoch + 2s).empty());  // undecodable without its reference
    for (auto& p : packets(avcc4({nal(0x65, 300, 4)}), true, seq, 9000))
        r.push(std::move(p), epoch + 2s, epoch);
    out = r.drain(epoch + 3s);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].keyframe);
    EXPECT_FALSE(r.wants_keyframe());
    EXPECT_EQ(r.counters().lost, 1u);
    EXPECT_GE(r.counters().frames_dropped, 2u);
}

TEST(WhipTrackReceiver, OpusIsKnownAtOnceAndEveryPacketIsAFrame) {
    webrtc::MediaChoice c;
    c.accepted = true;
    c.kind = "audio";
    c.codec.pt = 111;
    c.codec.name = "opus";
    c.codec.clock = 48000;
    c.codec.channels = 2;
    TrackReceiver r(c);
    auto info = r.info();
    ASSERT_TRUE(info);
    EXPECT_EQ(info->codec, media::Codec::opus);
    // dOps: version 0, 2 channels, pre-skip 312, 48000 Hz, gain 0, family 0.
    EXPECT_EQ(info->extradata, hex("0002013800 00bb80 0000 00"));
    const auto epoch = Clock::now();
    for (std::uint16_t i = 0; i < 3; ++i)
        r.push(make_packet(i, 960u * i, false, Bytes{0xfc, 0x01, 0x02}), epoch, epoch);
    auto out = r.drain(epoch + 1s);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[2].dts, 1920);
}

}  // namespace
}  // namespace nchat::ingest::whip
