#pragma once
// Box writing helpers (ISO 14496-12 §4.2): a box is u32 size + 4cc, a FullBox adds version u8
// and flags u24. The size is patched once the body is written, so nesting reads like the tree.
#include <cassert>
#include <cstdint>
#include <string_view>
#include <vector>

#include "util/byte_reader.hpp"

namespace nchat::hls::detail {

using Bytes = std::vector<std::uint8_t>;

inline void patch_u32(Bytes& out, std::size_t at, std::uint32_t v) {
    out[at] = static_cast<std::uint8_t>(v >> 24);
    out[at + 1] = static_cast<std::uint8_t>(v >> 16);
    out[at + 2] = static_cast<std::uint8_t>(v >> 8);
    out[at + 3] = static_cast<std::uint8_t>(v);
}

template <class Body>
void box(Bytes& out, std::string_view type, Body&& body) {
    assert(type.size() == 4);
    const std::size_t start = out.size();
    util::ByteWriter w(out);
    w.u32(0);
    w.bytes(type);
    body(w);
    // Our boxes stay far below 4 GiB (a part is < 1 s of media), so the 64-bit size form is
    // never needed.
    patch_u32(out, start, static_cast<std::uint32_t>(out.size() - start));
}

template <class Body>
void full_box(
    Bytes& out, std::string_view type, std::uint8_t version, std::uint32_t flags, Body&& body) {
    box(out, type, [&](util::ByteWriter& w) {
        w.u8(version);
        w.u24(flags);
        body(w);
    });
}

inline void empty_box(Bytes& out, std::string_view type) {
    box(out, type, [](util::ByteWriter&) {});
}

// The identity matrix of mvhd/tkhd (§8.2.2): 16.16 fixed point, the last column 2.30.
inline void unity_matrix(util::ByteWriter& w) {
    const std::uint32_t m[9] = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};
    for (std::uint32_t v : m)
        w.u32(v);
}

}  // namespace nchat::hls::detail
