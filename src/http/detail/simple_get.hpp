#pragma once
// Recognises the one request shape the fast path takes (fast_get.hpp): a whole head already in
// the buffer, "GET <target> HTTP/1.1", well-formed header lines, no body, no upgrade, no
// Expect, a target without '%'. Anything else, including what is merely unusual, is left to
// Beast's full parser, which answers errors; this one never rejects, it only declines.
// Bounded: it reads at most `max_head` bytes of `bytes`.
#include <cstddef>
#include <optional>
#include <string_view>

namespace nchat::http::detail {

struct SimpleGet {
    std::size_t size = 0;     // bytes of the head, its final CRLF CRLF included
    std::string_view target;  // origin-form: starts with '/'
    bool keep_alive = true;   // false with "Connection: close"
    std::string_view origin;  // the Origin header, empty when absent
};

std::optional<SimpleGet> parse_simple_get(std::string_view bytes, std::size_t max_head);

}  // namespace nchat::http::detail
