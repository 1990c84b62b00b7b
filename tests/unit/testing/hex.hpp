#pragma once
// Bytes from annotated hex, as parser tests write them (STYLE.md: byte layouts go in tests as
// annotated hex): hex digits count, everything else (spaces, separators) is skipped.
#include <cstdint>
#include <string_view>
#include <vector>

namespace nchat::testing {

using Bytes = std::vector<std::uint8_t>;

inline Bytes hex(std::string_view h) {
    Bytes out;
    int nibble = -1;
    for (char c : h) {
        int v = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
        if (v < 0) continue;
        if (nibble < 0) {
            nibble = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(nibble << 4 | v));
            nibble = -1;
        }
    }
    return out;
}

}  // namespace nchat::testing
