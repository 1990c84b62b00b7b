#include "webrtc/rtcp.hpp"

#include <limits>

#include "util/byte_reader.hpp"
#include "webrtc/limits.hpp"
#include "webrtc/transport_cc.hpp"

namespace nchat::webrtc {
namespace {

// RFC 3550 §12.1, RFC 4585 §6.1.
constexpr std::uint8_t kSr = 200;
constexpr std::uint8_t kRr = 201;
constexpr std::uint8_t kBye = 203;
constexpr std::uint8_t kRtpfb = 205;
constexpr std::uint8_t kPsfb = 206;

bool read_block(util::ByteReader& in, ReportBlock& b) {
    std::uint32_t lost = 0;
    if (!in.read_u32(b.ssrc) || !in.read_u8(b.fraction_lost) || !in.read_u24(lost) ||
        !in.read_u32(b.highest_seq) || !in.read_u32(b.jitter) || !in.read_u32(b.lsr) ||
        !in.read_u32(b.dlsr)) {
        return false;
    }
    // Signed 24-bit: sign-extend.
    b.cumulative_lost = static_cast<std::int32_t>(lost << 8) >> 8;
    return true;
}

bool read_blocks(util::ByteReader& in, std::size_t count, std::vector<ReportBlock>& out) {
    for (std::size_t i = 0; i < count; ++i) {
        ReportBlock b;
        if (!read_block(in, b)) return false;
        out.push_back(b);
    }
    return true;
}

util::Result<RtcpItem> parse_nack(util::ByteReader& in, std::uint32_t sender, std::uint32_t media) {
    Nack n{sender, media, {}};
    std::uint16_t pid = 0, blp = 0;
    while (in.read_u16(pid) && in.read_u16(blp)) {
        if (n.lost.size() + 17 > limits::kMaxNackSeqs) break;  // the rest is left unanswered
        n.lost.push_back(pid);
        for (int i = 0; i < 16; ++i) {
            if (blp & (1u << i)) n.lost.push_back(static_cast<std::uint16_t>(pid + i + 1));
        }
    }
    return RtcpItem{std::move(n)};
}

util::Result<RtcpItem> parse_afb(util::ByteReader& in, std::uint32_t sender) {
    std::string id;
    if (!in.read_string(4, id) || id != "REMB") return RtcpItem{Unknown{kPsfb, 15}};
    std::uint8_t num = 0, exp_hi = 0;
    std::uint16_t mantissa_lo = 0;
    if (!in.read_u8(num) || !in.read_u8(exp_hi) || !in.read_u16(mantissa_lo)) {
        return rtp_error::malformed;
    }
    if (num > limits::kMaxRembSsrcs) return rtp_error::too_large;
    Remb r{sender, 0, {}};
    const unsigned exp = exp_hi >> 2;
    const std::uint64_t mantissa = (std::uint64_t{exp_hi & 3u} << 16) | mantissa_lo;
    r.bitrate_bps = mantissa > (std::numeric_limits<std::uint64_t>::max() >> exp)
                        ? std::numeric_limits<std::uint64_t>::max()
                        : mantissa << exp;
    for (std::size_t i = 0; i < num; ++i) {
        std::uint32_t ssrc = 0;
        if (!in.read_u32(ssrc)) return rtp_error::malformed;
        r.ssrcs.push_back(ssrc);
    }
    return RtcpItem{std::move(r)};
}

util::Result<RtcpItem> parse_fir(util::ByteReader& in, std::uint32_t sender) {
    Fir f{sender, {}};
    while (in.remaining() >= 8) {
        if (f.entries.size() >= limits::kMaxFirEntries) return rtp_error::too_large;
        FirEntry e;
        (void)in.read_u32(e.ssrc);
        (void)in.read_u8(e.seq);
        (void)in.skip(3);
        f.entries.push_back(e);
    }
    if (f.entries.empty()) return rtp_error::malformed;
    return RtcpItem{std::move(f)};
}

util::Result<RtcpItem> parse_one(std::uint8_t pt, std::uint8_t count, util::ByteReader& in) {
    switch (pt) {
        case kSr: {
            SenderReport sr;
            if (!in.read_u32(sr.ssrc) || !in.read_u64(sr.ntp) || !in.read_u32(sr.rtp_timestamp) ||
                !in.read_u32(sr.packet_count) || !in.read_u32(sr.octet_count) ||
                !read_blocks(in, count, sr.blocks)) {
                return rtp_error::malformed;
            }
            return RtcpItem{std::move(sr)};
        }
        case kRr: {
            ReceiverReport rr;
            if (!in.read_u32(rr.ssrc) || !read_blocks(in, count, rr.blocks)) {
                return rtp_error::malformed;
            }
            return RtcpItem{std::move(rr)};
        }
        case kBye: {
            Bye b;
            for (std::size_t i = 0; i < count; ++i) {
                std::uint32_t ssrc = 0;
                if (!in.read_u32(ssrc)) return rtp_error::malformed;
                b.ssrcs.push_back(ssrc);
            }
            return RtcpItem{std::move(b)};
        }
        case kRtpfb:
        case kPsfb: {
            std::uint32_t sender = 0, media = 0;
            if (!in.read_u32(sender) || !in.read_u32(media)) return rtp_error::malformed;
            if (pt == kRtpfb && count == 1) return parse_nack(in, sender, media);
            if (pt == kRtpfb && count == 15) {
                auto tf = parse_transport_feedback(in, sender, media);
                if (!tf) return tf.error();
                return RtcpItem{std::move(*tf)};
            }
            if (pt == kPsfb && count == 1) return RtcpItem{Pli{sender, media}};
            if (pt == kPsfb && count == 4) return parse_fir(in, sender);
            if (pt == kPsfb && count == 15) return parse_afb(in, sender);
            return RtcpItem{Unknown{pt, count}};
        }
        default:
            return RtcpItem{Unknown{pt, count}};
    }
}

}  // namespace

util::Result<std::vector<RtcpItem>> parse_rtcp(std::span<const std::uint8_t> datagram) {
    if (datagram.size() > limits::kMaxRtcpPacket) return rtp_error::too_large;
    if (datagram.empty()) return rtp_error::truncated;
    util::ByteReader in(datagram);
    std::vector<RtcpItem> items;
    while (!in.empty()) {
        std::uint8_t b0 = 0, pt = 0;
        std::uint16_t words = 0;
        if (!in.read_u8(b0) || !in.read_u8(pt) || !in.read_u16(words)) {
            return rtp_error::truncated;
        }
        if ((b0 >> 6) != 2) return rtp_error::bad_version;
        std::span<const std::uint8_t> body;
        if (!in.read_bytes(std::size_t{words} * 4, body)) return rtp_error::truncated;
        if (b0 & 0x20) {
            // RFC 3550 §6.4.1: only the last packet of a compound may be padded.
            if (!in.empty() || body.empty()) return rtp_error::malformed;
            const std::size_t pad = body.back();
            if (pad == 0 || pad > body.size()) return rtp_error::malformed;
            body = body.first(body.size() - pad);
        }
        if (items.size() >= limits::kMaxRtcpItems) return rtp_error::too_large;
        util::ByteReader r(body);
        auto item = parse_one(pt, b0 & 0x1F, r);
        if (!item) return item.error();
        items.push_back(std::move(*item));
    }
    return items;
}

}  // namespace nchat::webrtc
