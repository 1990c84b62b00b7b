#include "webrtc/rtp_packet.hpp"

#include <cassert>

#include "util/byte_reader.hpp"
#include "webrtc/limits.hpp"

namespace nchat::webrtc {
namespace {

constexpr std::uint16_t kOneByteProfile = 0xBEDE;
constexpr std::uint16_t kTwoByteProfileMask = 0xFFF0;
constexpr std::uint16_t kTwoByteProfile = 0x1000;

}  // namespace

util::Result<RtpPacket> parse_rtp(std::vector<std::uint8_t> datagram) {
    if (datagram.size() > limits::kMaxRtpPacket) return rtp_error::too_large;
    util::ByteReader in(datagram);
    std::uint8_t b0 = 0, b1 = 0;
    RtpPacket p;
    if (!in.read_u8(b0) || !in.read_u8(b1) || !in.read_u16(p.sequence) ||
        !in.read_u32(p.timestamp) || !in.read_u32(p.ssrc)) {
        return rtp_error::truncated;
    }
    if ((b0 >> 6) != 2) return rtp_error::bad_version;
    const bool padding = (b0 & 0x20) != 0;
    const bool extension = (b0 & 0x10) != 0;
    const std::size_t csrc_count = b0 & 0x0F;
    p.marker = (b1 & 0x80) != 0;
    p.payload_type = b1 & 0x7F;
    if (!in.skip(4 * csrc_count)) return rtp_error::truncated;
    if (extension) {
        std::uint16_t profile = 0, words = 0;
        if (!in.read_u16(profile) || !in.read_u16(words)) return rtp_error::truncated;
        const std::size_t start = in.position();
        if (!in.skip(std::size_t{words} * 4)) return rtp_error::truncated;
        const bool one_byte = profile == kOneByteProfile;
        const bool two_byte = (profile & kTwoByteProfileMask) == kTwoByteProfile;
        if (one_byte || two_byte) {
            p.extension_offset = static_cast<std::uint16_t>(start);
            p.extension_size = static_cast<std::uint16_t>(words * 4);
            p.two_byte_extensions = two_byte;
        }
    }
    std::size_t payload_size = in.remaining();
    if (padding) {
        // RFC 3550 §5.1: the last octet counts the padding, itself included.
        if (payload_size == 0) return rtp_error::malformed;
        const std::size_t pad = datagram.back();
        if (pad == 0 || pad > payload_size) return rtp_error::malformed;
        payload_size -= pad;
    }
    p.payload_offset = static_cast<std::uint16_t>(in.position());
    p.payload_size = static_cast<std::uint16_t>(payload_size);
    p.bytes = std::move(datagram);
    return p;
}

std::optional<std::span<const std::uint8_t>> RtpPacket::extension(std::uint8_t id) const {
    if (id == 0 || extension_size == 0) return std::nullopt;
    if (!two_byte_extensions && id > 14) return std::nullopt;
    util::ByteReader in(
        std::span<const std::uint8_t>(bytes).subspan(extension_offset, extension_size));
    std::uint8_t b = 0;
    while (in.read_u8(b)) {
        if (b == 0) continue;  // padding between elements (§4.2, §4.3)
        std::uint8_t elem_id = 0;
        std::size_t len = 0;
        if (two_byte_extensions) {
            std::uint8_t l = 0;
            if (!in.read_u8(l)) return std::nullopt;
            elem_id = b;
            len = l;
        } else {
            elem_id = b >> 4;
            if (elem_id == 15) return std::nullopt;  // §4.2: stop parsing
            len = std::size_t{b & 0x0Fu} + 1;
        }
        std::span<const std::uint8_t> data;
        if (!in.read_bytes(len, data)) return std::nullopt;
        if (elem_id == id) return data;
    }
    return std::nullopt;
}

util::Result<RtpPacket> unwrap_rtx(const RtpPacket& rtx,
                                   std::uint8_t media_payload_type,
                                   std::uint32_t media_ssrc) {
    const auto payload = rtx.payload();
    if (payload.size() < 2) return rtp_error::truncated;
    RtpPacket p = rtx;
    p.bytes.resize(rtx.payload_offset);
    p.bytes[0] &= ~0x20;  // the padding is not copied
    p.sequence = static_cast<std::uint16_t>(payload[0] << 8 | payload[1]);
    p.payload_type = media_payload_type & 0x7F;
    p.ssrc = media_ssrc;
    p.bytes[1] = static_cast<std::uint8_t>((p.marker ? 0x80 : 0) | p.payload_type);
    p.bytes[2] = payload[0];
    p.bytes[3] = payload[1];
    for (int i = 0; i < 4; ++i)
        p.bytes[8 + i] = static_cast<std::uint8_t>(media_ssrc >> (24 - 8 * i));
    p.bytes.insert(p.bytes.end(), payload.begin() + 2, payload.end());
    p.payload_size = static_cast<std::uint16_t>(payload.size() - 2);
    return p;
}

bool looks_like_rtcp(std::span<const std::uint8_t> d) {
    return d.size() >= 2 && d[1] >= 192 && d[1] <= 223;
}

std::int64_t SequenceUnwrapper::unwrap(std::uint16_t seq) {
    if (!started_) {
        started_ = true;
        highest_ = seq;
        return highest_;
    }
    const auto delta = static_cast<std::int16_t>(
        static_cast<std::uint16_t>(seq - static_cast<std::uint16_t>(highest_)));
    const std::int64_t ext = highest_ + delta;
    if (ext > highest_) highest_ = ext;
    return ext;
}

std::vector<std::uint8_t> write_rtp(const RtpHeaderFields& h,
                                    std::span<const RtpExtension> extensions,
                                    std::span<const std::uint8_t> payload) {
    std::vector<std::uint8_t> out;
    util::ByteWriter w(out);
    w.u8(extensions.empty() ? 0x80 : 0x90);
    w.u8(static_cast<std::uint8_t>((h.marker ? 0x80 : 0) | (h.payload_type & 0x7F)));
    w.u16(h.sequence);
    w.u32(h.timestamp);
    w.u32(h.ssrc);
    if (!extensions.empty()) {
        std::size_t len = 0;
        for (const auto& [id, data] : extensions) {
            assert(id >= 1 && id <= 14 && !data.empty() && data.size() <= 16);
            len += 1 + data.size();
        }
        const std::size_t words = (len + 3) / 4;
        w.u16(kOneByteProfile);
        w.u16(static_cast<std::uint16_t>(words));
        for (const auto& [id, data] : extensions) {
            w.u8(static_cast<std::uint8_t>(id << 4 | (data.size() - 1)));
            w.bytes(data);
        }
        for (std::size_t i = len; i < words * 4; ++i)
            w.u8(0);
    }
    w.bytes(payload);
    return out;
}

}  // namespace nchat::webrtc
