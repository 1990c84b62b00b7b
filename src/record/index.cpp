#include "record/index.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "util/time.hpp"

namespace nchat::record {
namespace {

// A line is seven numbers; anything longer is not ours.
constexpr std::size_t kMaxLine = 160;

template <class T>
bool take(std::string_view& s, T& out) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec != std::errc{} || r.ptr == s.data()) return false;
    s.remove_prefix(static_cast<std::size_t>(r.ptr - s.data()));
    if (!s.empty()) {
        if (s.front() != ' ') return false;
        s.remove_prefix(1);
    }
    return true;
}

std::string seconds(std::int64_t us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(us / 1'000'000),
                  static_cast<long long>((us % 1'000'000) / 1000));
    return buf;
}

}  // namespace

std::string segment_file(std::uint64_t msn) {
    return "seg" + std::to_string(msn) + ".m4s";
}

std::string init_file(std::uint32_t generation) {
    return generation == 0 ? "init.mp4" : "init" + std::to_string(generation) + ".mp4";
}

std::string format_entry(const IndexEntry& e) {
    char buf[kMaxLine];
    std::snprintf(buf, sizeof buf, "%llu %lld %d %d %u %lld %llu\n",
                  static_cast<unsigned long long>(e.msn), static_cast<long long>(e.duration_us),
                  e.discontinuity ? 1 : 0, e.gap ? 1 : 0, e.init_generation,
                  static_cast<long long>(e.program_date_ms),
                  static_cast<unsigned long long>(e.bytes));
    return buf;
}

std::vector<IndexEntry> parse_index(std::string_view text, std::size_t max_entries) {
    std::vector<IndexEntry> out;
    while (!text.empty() && out.size() < max_entries) {
        auto nl = text.find('\n');
        if (nl == std::string_view::npos || nl > kMaxLine) break;  // partial or not ours
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl + 1);
        IndexEntry e;
        int disc = 0;
        int gap = 0;
        if (!take(line, e.msn) || !take(line, e.duration_us) || !take(line, disc) ||
            !take(line, gap) || !take(line, e.init_generation) || !take(line, e.program_date_ms) ||
            !take(line, e.bytes) || !line.empty() || e.duration_us <= 0 ||
            e.duration_us > 3'600'000'000 || (disc != 0 && disc != 1) || (gap != 0 && gap != 1) ||
            (!out.empty() && e.msn <= out.back().msn)) {
            break;
        }
        e.discontinuity = disc == 1;
        e.gap = gap == 1;
        out.push_back(e);
    }
    return out;
}

std::string vod_playlist(std::span<const IndexEntry> entries) {
    std::int64_t longest = 0;
    for (const auto& e : entries)
        longest = std::max(longest, e.duration_us);
    // Each EXTINF rounded to the nearest integer is at most TARGETDURATION (§4.4.3.1).
    const auto td = std::max<std::int64_t>(1, (longest + 500'000) / 1'000'000);
    std::string out;
    out.reserve(128 + entries.size() * 96);
    out += "#EXTM3U\n#EXT-X-VERSION:6\n";
    out += "#EXT-X-TARGETDURATION:" + std::to_string(td) + "\n";
    out += "#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n";
    out += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(entries.empty() ? 0 : entries[0].msn) + "\n";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i];
        if (i > 0 && e.discontinuity) out += "#EXT-X-DISCONTINUITY\n";
        if (i == 0 || e.init_generation != entries[i - 1].init_generation)
            out += "#EXT-X-MAP:URI=\"" + init_file(e.init_generation) + "\"\n";
        if (e.program_date_ms != 0) {
            out += "#EXT-X-PROGRAM-DATE-TIME:" +
                   util::format_iso8601(util::Time(std::chrono::milliseconds(e.program_date_ms))) +
                   "\n";
        }
        if (e.gap) out += "#EXT-X-GAP\n";
        out += "#EXTINF:" + seconds(e.duration_us) + ",\n" + segment_file(e.msn) + "\n";
    }
    out += "#EXT-X-ENDLIST\n";
    return out;
}

}  // namespace nchat::record
