#include "webrtc/h264_packetizer.hpp"

#include <algorithm>
#include <cassert>

#include "media/h264.hpp"
#include "util/byte_reader.hpp"

namespace nchat::webrtc {
namespace {

constexpr std::uint8_t kNalSps = 7;
constexpr std::uint8_t kNalPps = 8;
constexpr std::uint8_t kNalAud = 9;
constexpr std::uint8_t kStapA = 24;
constexpr std::uint8_t kFuA = 28;
constexpr std::size_t kFuHeaders = 2;  // FU indicator + FU header

void add_nal(std::vector<Payload>& out,
             std::span<const std::uint8_t> nal,
             std::size_t max_payload) {
    if (nal.empty()) return;
    if (nal.size() <= max_payload) {
        out.push_back({{nal.begin(), nal.end()}, false});
        return;
    }
    // §5.8: the NAL header's F and NRI go in the indicator, its type in the FU header.
    const std::uint8_t indicator = (nal[0] & 0xE0) | kFuA;
    const std::uint8_t type = nal[0] & 0x1F;
    const std::size_t chunk = max_payload - kFuHeaders;
    auto rest = nal.subspan(1);
    bool first = true;
    while (!rest.empty()) {
        const std::size_t n = std::min(chunk, rest.size());
        const bool last = n == rest.size();
        Payload p;
        p.bytes.reserve(kFuHeaders + n);
        p.bytes.push_back(indicator);
        p.bytes.push_back(static_cast<std::uint8_t>((first ? 0x80 : 0) | (last ? 0x40 : 0) | type));
        p.bytes.insert(p.bytes.end(), rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(n));
        out.push_back(std::move(p));
        rest = rest.subspan(n);
        first = false;
    }
}

void add_parameter_sets(std::vector<Payload>& out,
                        std::span<const std::uint8_t> sps,
                        std::span<const std::uint8_t> pps,
                        std::size_t max_payload) {
    // §5.7.1: STAP-A header (F = OR of the units', NRI = their maximum), {u16 size, NAL}...
    const std::size_t stap_size = 1 + 2 + sps.size() + 2 + pps.size();
    if (stap_size > max_payload || sps.size() > 0xFFFF || pps.size() > 0xFFFF) {
        add_nal(out, sps, max_payload);
        add_nal(out, pps, max_payload);
        return;
    }
    Payload p;
    util::ByteWriter w(p.bytes);
    w.u8(static_cast<std::uint8_t>(((sps[0] | pps[0]) & 0x80) |
                                   std::max(sps[0] & 0x60, pps[0] & 0x60) | kStapA));
    w.u16(static_cast<std::uint16_t>(sps.size()));
    w.bytes(sps);
    w.u16(static_cast<std::uint16_t>(pps.size()));
    w.bytes(pps);
    out.push_back(std::move(p));
}

}  // namespace

std::vector<Payload> packetize_h264(std::span<const std::uint8_t> avcc4_access_unit,
                                    std::span<const std::uint8_t> sps,
                                    std::span<const std::uint8_t> pps,
                                    bool keyframe,
                                    std::size_t max_payload) {
    assert(max_payload > kFuHeaders);
    std::vector<Payload> out;
    const bool prepend = keyframe && !sps.empty() && !pps.empty();
    if (prepend) add_parameter_sets(out, sps, pps, max_payload);
    const std::size_t parameter_payloads = out.size();
    const bool whole = media::for_each_nal(avcc4_access_unit, [&](auto nal) {
        if (nal.empty()) return true;
        const std::uint8_t type = nal[0] & 0x1F;
        if (type == kNalAud) return true;
        if (prepend && (type == kNalSps || type == kNalPps)) return true;
        add_nal(out, nal, max_payload);
        return true;
    });
    if (!whole) return {};
    if (out.size() == parameter_payloads) return {};  // nothing of the access unit itself
    if (!out.empty()) out.back().marker = true;
    return out;
}

}  // namespace nchat::webrtc
