#pragma once
// Small string helpers the SDP parser and negotiation share (ASCII only, as SDP's grammar is).
#include <charconv>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace nchat::webrtc::detail {

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

// {before, after} the first `sep`; {s, ""} when there is none.
inline std::pair<std::string_view, std::string_view> split_first(std::string_view s, char sep) {
    auto i = s.find(sep);
    if (i == std::string_view::npos) return {s, {}};
    return {s.substr(0, i), s.substr(i + 1)};
}

// Non-empty pieces of `s` split on `sep`; false (and stops) past `max` pieces.
inline bool words(std::string_view s,
                  std::size_t max,
                  std::vector<std::string_view>& out,
                  char sep = ' ') {
    out.clear();
    while (!s.empty()) {
        auto [w, rest] = split_first(s, sep);
        s = rest;
        w = trim(w);
        if (w.empty()) continue;
        if (out.size() >= max) return false;
        out.push_back(w);
    }
    return true;
}

// A decimal number of digits only, at most `max`.
template <class T>
bool parse_number(std::string_view s, std::uint64_t max, T& out) {
    std::uint64_t v = 0;
    if (s.empty() || s.size() > 20) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v > max) return false;
    out = static_cast<T>(v);
    return true;
}

inline char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace nchat::webrtc::detail
