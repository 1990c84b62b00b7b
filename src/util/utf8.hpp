#pragma once
// UTF-8 for user text, the one decoder of the code base: lengths in the API are counted in code
// points, not bytes, and the room's text rules (content, profanity, emoji) work on code points.
// Strict: overlongs, surrogates and values past U+10FFFF are errors (RFC 3629 §3).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nchat::util {

struct CodePoint {
    char32_t value = 0;
    std::size_t size = 0;  // bytes it took, 1–4
};

// The code point starting at s[at]; nullopt when it is not well-formed (or at is past the end).
std::optional<CodePoint> decode_code_point(std::string_view s, std::size_t at);

// Number of code points, or nullopt when `s` is not well-formed UTF-8.
std::optional<std::size_t> utf8_length(std::string_view s);

// Every code point, or nullopt when `s` is not well-formed UTF-8.
std::optional<std::u32string> decode_utf8(std::string_view s);

void append_utf8(std::string& out, char32_t cp);
std::string encode_utf8(std::u32string_view cps);

}  // namespace nchat::util
