// RTP packets (header, CSRCs, RFC 8285 extensions, padding) and the three depacketizers behind
// a reorder buffer, fed the same bytes split into packets.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "webrtc/h264_depacketizer.hpp"
#include "webrtc/opus_depacketizer.hpp"
#include "webrtc/reorder_buffer.hpp"
#include "webrtc/rtp_packet.hpp"
#include "webrtc/vp8_depacketizer.hpp"

using namespace nchat::webrtc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    H264Depacketizer h264;
    Vp8Depacketizer vp8;
    OpusDepacketizer opus;
    ReorderBuffer buffer;
    auto now = ReorderBuffer::Clock::time_point{};
    // Input: {u16 length, datagram}... so one input is a packet sequence.
    std::span<const std::uint8_t> in(data, size);
    while (in.size() >= 2) {
        const std::size_t len = std::min<std::size_t>(in.size() - 2, (in[0] << 8) | in[1]);
        std::vector<std::uint8_t> d(in.begin() + 2, in.begin() + 2 + static_cast<long>(len));
        in = in.subspan(2 + len);
        (void)looks_like_rtcp(d);
        auto p = parse_rtp(std::move(d));
        if (!p) continue;
        for (std::uint8_t id = 0; id < 16; ++id)
            (void)p->extension(id);
        (void)p->extension(255);
        if (auto orig = unwrap_rtx(*p, 96, 1); orig && !parse_rtp(orig->bytes)) std::abort();
        buffer.push(std::move(*p), now);
        (void)buffer.nacks_due(now, std::chrono::milliseconds(30));
        now += std::chrono::milliseconds(7);
        for (auto& r : buffer.pop(now)) {
            (void)h264.push(r.packet, r.gap_before);
            (void)vp8.push(r.packet, r.gap_before);
            (void)opus.push(r.packet, r.gap_before);
        }
    }
    return 0;
}
