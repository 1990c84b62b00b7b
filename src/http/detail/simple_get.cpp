#include "http/detail/simple_get.hpp"

#include <boost/beast/core/string.hpp>

namespace nchat::http::detail {
namespace {

using boost::beast::iequals;

bool is_tchar(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// field-vchar, SP and HTAB (RFC 9110 §5.5); obs-text allowed, CTLs not.
bool is_value_char(unsigned char c) {
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

std::string_view trim(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
        v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
        v.remove_suffix(1);
    return v;
}

// Connection: a comma-separated list of tokens. False for "upgrade" (that request is the
// Router's) and for anything that is not a list of tokens.
bool read_connection(std::string_view v, bool& keep_alive) {
    while (!v.empty()) {
        auto comma = v.find(',');
        auto token = trim(v.substr(0, comma));
        v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
        if (token.empty()) continue;
        for (unsigned char c : token) {
            if (!is_tchar(c)) return false;
        }
        if (iequals(token, "close")) keep_alive = false;
        if (iequals(token, "upgrade")) return false;
    }
    return true;
}

}  // namespace

std::optional<SimpleGet> parse_simple_get(std::string_view bytes, std::size_t max_head) {
    constexpr std::string_view kMethod = "GET ";
    constexpr std::string_view kVersion = " HTTP/1.1\r\n";
    const auto window = bytes.substr(0, std::min(bytes.size(), max_head));
    const auto end = window.find("\r\n\r\n");
    if (end == std::string_view::npos || !window.starts_with(kMethod)) return std::nullopt;
    SimpleGet out;
    out.size = end + 4;
    std::string_view rest = window.substr(0, end + 2);  // every line with its CRLF

    rest.remove_prefix(kMethod.size());
    auto space = rest.find(' ');
    if (space == std::string_view::npos || space == 0) return std::nullopt;
    out.target = rest.substr(0, space);
    if (out.target.front() != '/') return std::nullopt;
    for (unsigned char c : out.target) {
        if (c <= 0x20 || c >= 0x7f || c == '%') return std::nullopt;
    }
    rest.remove_prefix(space);
    if (!rest.starts_with(kVersion)) return std::nullopt;
    rest.remove_prefix(kVersion.size());

    bool seen_origin = false, seen_connection = false;
    while (!rest.empty()) {
        auto eol = rest.find("\r\n");  // found: `rest` ends with CRLF
        auto line = rest.substr(0, eol);
        rest.remove_prefix(eol + 2);
        auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) return std::nullopt;
        auto name = line.substr(0, colon);
        for (unsigned char c : name) {
            if (!is_tchar(c)) return std::nullopt;
        }
        auto raw_value = line.substr(colon + 1);
        for (unsigned char c : raw_value) {
            if (!is_value_char(c)) return std::nullopt;
        }
        auto value = trim(raw_value);
        if (iequals(name, "content-length")) {
            if (value != "0") return std::nullopt;
        } else if (iequals(name, "transfer-encoding") || iequals(name, "expect") ||
                   iequals(name, "upgrade")) {
            return std::nullopt;
        } else if (iequals(name, "connection")) {
            // Two lines are one list (RFC 9110 §5.3), but Beast's keep_alive() reads the first.
            if (seen_connection || !read_connection(value, out.keep_alive)) return std::nullopt;
            seen_connection = true;
        } else if (iequals(name, "origin")) {
            if (seen_origin) return std::nullopt;
            seen_origin = true;
            out.origin = value;
        }
    }
    return out;
}

}  // namespace nchat::http::detail
