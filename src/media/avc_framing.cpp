#include "media/avc_framing.hpp"

#include <system_error>

#include "media/h264.hpp"
#include "util/byte_reader.hpp"

namespace nchat::media {
namespace {

constexpr std::uint8_t kNalSps = 7;
constexpr std::uint8_t kNalPps = 8;
constexpr std::uint8_t kNalAud = 9;

}  // namespace

std::vector<std::span<const std::uint8_t>> split_annex_b(std::span<const std::uint8_t> in) {
    std::vector<std::span<const std::uint8_t>> nals;
    std::size_t i = 0;
    std::size_t start = 0;
    bool open = false;
    auto close = [&](std::size_t end) {
        while (end > start && in[end - 1] == 0)
            --end;
        if (end > start) nals.push_back(in.subspan(start, end - start));
    };
    while (i + 3 <= in.size()) {
        if (in[i] == 0 && in[i + 1] == 0 && in[i + 2] == 1) {
            if (open) close(i);
            i += 3;
            start = i;
            open = true;
        } else {
            ++i;
        }
    }
    if (open) close(in.size());
    return nals;
}

std::vector<std::uint8_t> annex_b_to_avcc4(std::span<const std::uint8_t> in) {
    std::vector<std::uint8_t> out;
    out.reserve(in.size() + 16);
    util::ByteWriter w(out);
    for (auto nal : split_annex_b(in)) {
        const auto type = nal[0] & 0x1F;
        if (type == kNalSps || type == kNalPps || type == kNalAud) continue;
        w.u32(static_cast<std::uint32_t>(nal.size()));
        w.bytes(nal);
    }
    return out;
}

util::Result<std::vector<std::uint8_t>> make_avcc(std::span<const std::uint8_t> extradata) {
    if (!extradata.empty() && extradata[0] == 1) {
        return std::vector<std::uint8_t>(extradata.begin(), extradata.end());
    }
    std::vector<std::span<const std::uint8_t>> sps;
    std::vector<std::span<const std::uint8_t>> pps;
    for (auto nal : split_annex_b(extradata)) {
        if ((nal[0] & 0x1F) == kNalSps && nal.size() >= 4) sps.push_back(nal);
        if ((nal[0] & 0x1F) == kNalPps) pps.push_back(nal);
    }
    if (sps.empty() || pps.empty() || sps.size() > 31 || pps.size() > 255) {
        return std::make_error_code(std::errc::invalid_argument);
    }
    std::vector<std::uint8_t> out;
    util::ByteWriter w(out);
    w.u8(1);          // configurationVersion
    w.u8(sps[0][1]);  // AVCProfileIndication
    w.u8(sps[0][2]);  // profile_compatibility
    w.u8(sps[0][3]);  // AVCLevelIndication
    w.u8(0xFF);       // reserved(6) + lengthSizeMinusOne = 3
    w.u8(static_cast<std::uint8_t>(0xE0 | sps.size()));
    for (auto s : sps) {
        w.u16(static_cast<std::uint16_t>(s.size()));
        w.bytes(s);
    }
    w.u8(static_cast<std::uint8_t>(pps.size()));
    for (auto p : pps) {
        w.u16(static_cast<std::uint16_t>(p.size()));
        w.bytes(p);
    }
    if (is_high_profile(sps[0][1])) {
        // §5.3.3.1.2 extension for High profiles. Our encoders take 8-bit 4:2:0 only.
        w.u8(0xFC | 1);  // chroma_format_idc = 1
        w.u8(0xF8 | 0);  // bit_depth_luma_minus8
        w.u8(0xF8 | 0);  // bit_depth_chroma_minus8
        w.u8(0);         // numOfSequenceParameterSetExt
    }
    return out;
}

std::vector<std::uint8_t> avcc_with_length4(std::span<const std::uint8_t> avcc) {
    std::vector<std::uint8_t> out(avcc.begin(), avcc.end());
    if (out.size() > 4) out[4] = 0xFF;
    return out;
}

bool is_disposable(std::span<const std::uint8_t> avcc4) {
    bool any_slice = false;
    bool reference = false;
    for_each_nal(avcc4, [&](std::span<const std::uint8_t> nal) {
        if (nal.empty()) return true;
        const auto type = nal[0] & 0x1F;
        if (type < 1 || type > 5) return true;
        reference = type == 5 || (nal[0] & 0x60) != 0;
        any_slice = true;
        return !reference;
    });
    return any_slice && !reference;
}

}  // namespace nchat::media
