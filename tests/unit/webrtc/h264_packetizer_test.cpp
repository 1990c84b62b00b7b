#include "webrtc/h264_packetizer.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "unit/testing/hex.hpp"
#include "unit/webrtc/rtp_test_util.hpp"
#include "webrtc/h264_depacketizer.hpp"
#include "webrtc/reorder_buffer.hpp"

namespace nchat::webrtc {
namespace {

using test::avcc4;
using test::make_packet;
using test::nal;
using testing::Bytes;
using testing::hex;
using namespace std::chrono_literals;

const Bytes kSps = hex("67 42e01f da");
const Bytes kPps = hex("68 ce3c80");

TEST(H264Packetizer, StapAForParameterSetsSingleNalWhenItFitsFuAOtherwise) {
    const Bytes idr = nal(0x65, 25);
    const Bytes sei = hex("06 0501ff");
    const Bytes au = avcc4({hex("09 f0"), kSps, kPps, sei, idr});
    auto out = packetize_h264(au, kSps, kPps, true, 16);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0].bytes, hex("78"                // STAP-A header, NRI 3
                                "0005 6742e01fda"   // SPS
                                "0004 68ce3c80"));  // PPS
    EXPECT_EQ(out[1].bytes, sei);                   // the AU's own SPS/PPS and the AUD are skipped
    // 24 bytes after the NAL header, 14 per fragment: start, end.
    EXPECT_EQ(out[2].bytes[0], 0x7c);  // FU indicator: NRI 3, type 28
    EXPECT_EQ(out[2].bytes[1], 0x85);  // S, type 5
    EXPECT_EQ(out[3].bytes[1], 0x45);  // E
    EXPECT_EQ(out[3].bytes.size(), 2u + 10u);
    // A STAP-A over the limit: the parameter sets go alone.
    auto small = packetize_h264(au, kSps, kPps, true, 12);
    ASSERT_GE(small.size(), 2u);
    EXPECT_EQ(small[0].bytes, kSps);
    EXPECT_EQ(small[1].bytes, kPps);
    for (std::size_t i = 0; i + 1 < out.size(); ++i)
        EXPECT_FALSE(out[i].marker);
    EXPECT_TRUE(out.back().marker);
    for (const auto& p : out)
        EXPECT_LE(p.bytes.size(), 16u);
}

TEST(H264Packetizer, DeltaFramesCarryNoParameterSets) {
    const Bytes slice = hex("41 9a0203");
    auto out = packetize_h264(avcc4({slice}), kSps, kPps, false, 1200);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].bytes, slice);
    EXPECT_TRUE(out[0].marker);
    EXPECT_TRUE(packetize_h264(hex("00000009 41"), {}, {}, false, 1200).empty());  // bad length
    EXPECT_TRUE(packetize_h264(avcc4({hex("09 f0")}), {}, {}, false, 1200).empty());
}

// Packetize a few access units, send them through the reorder buffer (optionally shuffled,
// optionally losing one packet) and depacketize.
struct Sent {
    std::vector<RtpPacket> packets;
    std::vector<Bytes> access_units;  // as the depacketizer should give them back
};

Sent send(std::size_t frames, std::size_t max_payload) {
    Sent s;
    std::uint16_t seq = 65530;  // crosses the wrap
    for (std::size_t f = 0; f < frames; ++f) {
        const bool key = f % 4 == 0;
        const Bytes slice = nal(key ? 0x65 : 0x41, 200 + 37 * f, static_cast<std::uint8_t>(f));
        const Bytes sei = hex("06 0501ff");
        const auto ts = static_cast<std::uint32_t>(3000 * f);
        for (auto& p : packetize_h264(avcc4({sei, slice}), kSps, kPps, key, max_payload))
            s.packets.push_back(make_packet(seq++, ts, p.marker, p.bytes));
        s.access_units.push_back(key ? avcc4({kSps, kPps, sei, slice}) : avcc4({sei, slice}));
    }
    return s;
}

std::vector<Bytes> receive(const std::vector<RtpPacket>& packets, H264Depacketizer& d) {
    ReorderBuffer b;
    std::vector<Bytes> out;
    auto now = ReorderBuffer::Clock::time_point{};
    auto drain = [&] {
        for (auto& r : b.pop(now)) {
            if (auto f = d.push(r.packet, r.gap_before)) out.push_back(std::move(f->data));
        }
    };
    for (const auto& p : packets) {
        b.push(p, now);
        drain();
        now += 1ms;
    }
    now += 1s;
    drain();
    return out;
}

TEST(H264Packetizer, RoundTripsThroughTheDepacketizer) {
    auto s = send(8, 100);
    H264Depacketizer d;
    EXPECT_EQ(receive(s.packets, d), s.access_units);
    EXPECT_EQ(d.sps(), kSps);
    EXPECT_EQ(d.pps(), kPps);
}

TEST(H264Packetizer, RoundTripsWithReordering) {
    auto s = send(8, 60);
    auto shuffled = s.packets;
    // Within the 40 ms wait; the very first packet stays first (it starts the sequence).
    for (std::size_t i = 1; i + 2 < shuffled.size(); i += 3)
        std::swap(shuffled[i], shuffled[i + 2]);
    H264Depacketizer d;
    EXPECT_EQ(receive(shuffled, d), s.access_units);
    EXPECT_EQ(d.counters().dropped_incomplete, 0u);
}

TEST(H264Packetizer, LosingOneFragmentDropsItsAccessUnitUntilTheNextIdr) {
    auto s = send(8, 100);
    // Frame 1 (a delta frame) is several FU-A fragments; lose its second packet.
    std::size_t first_of_frame1 = 0;
    while (s.packets[first_of_frame1].timestamp != 3000)
        ++first_of_frame1;
    auto lossy = s.packets;
    lossy.erase(lossy.begin() + static_cast<std::ptrdiff_t>(first_of_frame1 + 1));
    H264Depacketizer d;
    auto got = receive(lossy, d);
    // Frame 0 plays; frames 1-3 are lost (1 broken, 2-3 wait for a keyframe); 4-7 play.
    std::vector<Bytes> want{s.access_units[0]};
    want.insert(want.end(), s.access_units.begin() + 4, s.access_units.end());
    EXPECT_EQ(got, want);
    EXPECT_EQ(d.counters().dropped_incomplete, 1u);
    EXPECT_EQ(d.counters().dropped_need_keyframe, 2u);
    EXPECT_FALSE(d.needs_keyframe());
}

}  // namespace
}  // namespace nchat::webrtc
