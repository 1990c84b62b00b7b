#pragma once
// The Range request header (RFC 9110 §14.2) for a single range of bytes of a file of known
// size: "bytes=first-last", "bytes=first-", "bytes=-suffix". Pure; bounded by the header.
#include <cstdint>
#include <optional>
#include <string_view>

namespace nchat::http {

struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t length = 0;
};

enum class RangeCheck {
    whole,          // no usable range (absent, not bytes, several ranges): send 200 and it all
    partial,        // send 206 with `range`
    unsatisfiable,  // 416 with Content-Range: bytes */size
};

// `header` is the Range field's value ("" when absent).
RangeCheck parse_byte_range(std::string_view header, std::uint64_t size, ByteRange& range);

}  // namespace nchat::http
