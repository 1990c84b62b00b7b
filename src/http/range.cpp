#include "http/range.hpp"

#include <charconv>

namespace nchat::http {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// All of `s` as a decimal number (no sign, no spaces).
bool number(std::string_view s, std::uint64_t& out) {
    if (s.empty() || s.size() > 19) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

}  // namespace

RangeCheck parse_byte_range(std::string_view header, std::uint64_t size, ByteRange& range) {
    header = trim(header);
    constexpr std::string_view kUnit = "bytes=";
    if (header.size() < kUnit.size()) return RangeCheck::whole;
    for (std::size_t i = 0; i < kUnit.size(); ++i) {  // the unit is case-insensitive
        char c = header[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != kUnit[i]) return RangeCheck::whole;
    }
    std::string_view spec = trim(header.substr(kUnit.size()));
    // Several ranges would need multipart/byteranges: a server may send the whole instead.
    if (spec.find(',') != std::string_view::npos) return RangeCheck::whole;
    auto dash = spec.find('-');
    if (dash == std::string_view::npos) return RangeCheck::whole;
    std::string_view a = trim(spec.substr(0, dash));
    std::string_view b = trim(spec.substr(dash + 1));
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    if (a.empty()) {  // the last `b` bytes
        std::uint64_t suffix = 0;
        if (!number(b, suffix)) return RangeCheck::whole;
        if (suffix == 0 || size == 0) return RangeCheck::unsatisfiable;
        range.length = suffix < size ? suffix : size;
        range.first = size - range.length;
        return RangeCheck::partial;
    }
    if (!number(a, first)) return RangeCheck::whole;
    if (b.empty()) {
        last = size == 0 ? 0 : size - 1;
    } else if (!number(b, last) || last < first) {
        return RangeCheck::whole;  // invalid: ignored (§14.2)
    }
    if (first >= size) return RangeCheck::unsatisfiable;
    if (last >= size) last = size - 1;
    range.first = first;
    range.length = last - first + 1;
    return RangeCheck::partial;
}

}  // namespace nchat::http
