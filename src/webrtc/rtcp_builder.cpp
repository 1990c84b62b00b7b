// The builders declared in rtcp.hpp.
#include <algorithm>
#include <cassert>

#include "util/byte_reader.hpp"
#include "webrtc/rtcp.hpp"

namespace nchat::webrtc {
namespace {

constexpr std::size_t kMaxBlocks = 31;  // the 5-bit RC field

// Header (V=2, no padding) in front of a body that is whole 32-bit words.
std::vector<std::uint8_t> packet(std::uint8_t count_or_fmt,
                                 std::uint8_t pt,
                                 std::span<const std::uint8_t> body) {
    assert(body.size() % 4 == 0);
    std::vector<std::uint8_t> out;
    out.reserve(4 + body.size());
    util::ByteWriter w(out);
    w.u8(static_cast<std::uint8_t>(0x80 | (count_or_fmt & 0x1F)));
    w.u8(pt);
    w.u16(static_cast<std::uint16_t>(body.size() / 4));
    w.bytes(body);
    return out;
}

void write_block(util::ByteWriter& w, const ReportBlock& b) {
    w.u32(b.ssrc);
    w.u8(b.fraction_lost);
    w.u24(static_cast<std::uint32_t>(b.cumulative_lost) & 0xFFFFFF);
    w.u32(b.highest_seq);
    w.u32(b.jitter);
    w.u32(b.lsr);
    w.u32(b.dlsr);
}

}  // namespace

std::vector<std::uint8_t> build_receiver_report(std::uint32_t sender_ssrc,
                                                std::span<const ReportBlock> blocks) {
    blocks = blocks.first(std::min(blocks.size(), kMaxBlocks));
    std::vector<std::uint8_t> body;
    util::ByteWriter w(body);
    w.u32(sender_ssrc);
    for (const auto& b : blocks)
        write_block(w, b);
    return packet(static_cast<std::uint8_t>(blocks.size()), 201, body);
}

std::vector<std::uint8_t> build_sender_report(const SenderReport& sr) {
    const auto blocks = std::span(sr.blocks).first(std::min(sr.blocks.size(), kMaxBlocks));
    std::vector<std::uint8_t> body;
    util::ByteWriter w(body);
    w.u32(sr.ssrc);
    w.u64(sr.ntp);
    w.u32(sr.rtp_timestamp);
    w.u32(sr.packet_count);
    w.u32(sr.octet_count);
    for (const auto& b : blocks)
        write_block(w, b);
    return packet(static_cast<std::uint8_t>(blocks.size()), 200, body);
}

std::vector<std::uint8_t> build_nack(std::uint32_t sender_ssrc,
                                     std::uint32_t media_ssrc,
                                     std::span<const std::uint16_t> seqs) {
    // RFC 4585 §6.2.1: PID, and bit i of BLP for PID + i + 1.
    std::vector<std::pair<std::uint16_t, std::uint16_t>> fci;
    for (const std::uint16_t seq : seqs) {
        if (!fci.empty()) {
            const auto diff = static_cast<std::uint16_t>(seq - fci.back().first);
            if (diff == 0) continue;
            if (diff <= 16) {
                fci.back().second |= static_cast<std::uint16_t>(1u << (diff - 1));
                continue;
            }
        }
        fci.emplace_back(seq, 0);
    }
    std::vector<std::uint8_t> body;
    util::ByteWriter w(body);
    w.u32(sender_ssrc);
    w.u32(media_ssrc);
    for (const auto& [pid, blp] : fci) {
        w.u16(pid);
        w.u16(blp);
    }
    return packet(1, 205, body);
}

std::vector<std::uint8_t> build_pli(std::uint32_t sender_ssrc, std::uint32_t media_ssrc) {
    std::vector<std::uint8_t> body;
    util::ByteWriter w(body);
    w.u32(sender_ssrc);
    w.u32(media_ssrc);
    return packet(1, 206, body);
}

std::vector<std::uint8_t> build_fir(std::uint32_t sender_ssrc,
                                    std::uint32_t media_ssrc,
                                    std::uint8_t seq) {
    // RFC 5104 §4.3.1.2: the header's media SSRC is 0; the target is in the FCI.
    std::vector<std::uint8_t> body;
    util::ByteWriter w(body);
    w.u32(sender_ssrc);
    w.u32(0);
    w.u32(media_ssrc);
    w.u8(seq);
    w.u24(0);
    return packet(4, 206, body);
}

std::vector<std::uint8_t> build_remb(std::uint32_t sender_ssrc,
                                     std::uint64_t bitrate_bps,
                                     std::span<const std::uint32_t> ssrcs) {
    // draft-alvestrand-rmcat-remb-03 §2.2: 6-bit exponent, 18-bit mantissa; media SSRC 0.
    ssrcs = ssrcs.first(std::min<std::size_t>(ssrcs.size(), 255));
    unsigned exp = 0;
    while ((bitrate_bps >> exp) > 0x3FFFF)
        ++exp;
    const auto mantissa = static_cast<std::uint32_t>(bitrate_bps >> exp);
    std::vector<std::uint8_t> body;
    util::ByteWriter w(body);
    w.u32(sender_ssrc);
    w.u32(0);
    w.bytes(std::string_view("REMB"));
    w.u8(static_cast<std::uint8_t>(ssrcs.size()));
    w.u8(static_cast<std::uint8_t>(exp << 2 | mantissa >> 16));
    w.u16(static_cast<std::uint16_t>(mantissa));
    for (const auto s : ssrcs)
        w.u32(s);
    return packet(15, 206, body);
}

std::vector<std::uint8_t> build_bye(std::span<const std::uint32_t> ssrcs) {
    ssrcs = ssrcs.first(std::min(ssrcs.size(), kMaxBlocks));
    std::vector<std::uint8_t> body;
    util::ByteWriter w(body);
    for (const auto s : ssrcs)
        w.u32(s);
    return packet(static_cast<std::uint8_t>(ssrcs.size()), 203, body);
}

std::uint64_t to_ntp(std::chrono::system_clock::time_point t) {
    constexpr std::int64_t kUnixToNtpSeconds = 2'208'988'800;  // 1900-01-01 to 1970-01-01
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
    const std::int64_t seconds = us / 1'000'000 + kUnixToNtpSeconds;
    const std::int64_t frac_us = us % 1'000'000;
    const auto frac =
        static_cast<std::uint64_t>((static_cast<unsigned __int128>(frac_us) << 32) / 1'000'000);
    return static_cast<std::uint64_t>(seconds) << 32 | frac;
}

std::optional<std::chrono::microseconds> rtt_from_report_block(const ReportBlock& b,
                                                               std::uint32_t arrival_ntp_middle) {
    if (b.lsr == 0) return std::nullopt;
    const std::uint32_t rtt = arrival_ntp_middle - b.lsr - b.dlsr;  // 1/65536 s, mod 2^32
    if (rtt & 0x80000000u) return std::nullopt;
    return std::chrono::microseconds(std::int64_t{rtt} * 1'000'000 / 65536);
}

}  // namespace nchat::webrtc
