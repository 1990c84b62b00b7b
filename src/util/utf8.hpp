#pragma once
// UTF-8 checks for user text: lengths in the API are counted in code points, not bytes.
#include <cstddef>
#include <optional>
#include <string_view>

namespace nchat::util {

// Number of code points, or nullopt when `s` is not well-formed UTF-8 (overlongs, surrogates
// and values past U+10FFFF are rejected, RFC 3629 §3).
std::optional<std::size_t> utf8_length(std::string_view s);

}  // namespace nchat::util
