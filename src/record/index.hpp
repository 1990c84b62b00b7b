#pragma once
// A recorded rendition's index (`index.txt`, one line per segment, appended as each is written)
// and the VOD media playlist made from it (rfc8216bis §4.4.3.5 PLAYLIST-TYPE VOD, ENDLIST).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nchat::record {

// An index of a day-long stream at 2 s segments is 43,200 lines (~2 MB): what is read of one.
inline constexpr std::size_t kMaxIndexBytes = 16u << 20;
inline constexpr std::size_t kMaxIndexEntries = 200'000;

struct IndexEntry {
    std::uint64_t msn = 0;
    std::int64_t duration_us = 0;
    bool discontinuity = false;  // a publisher reconnect (or a restart) before it
    bool gap = false;            // no media (the rendition was shed): listed as EXT-X-GAP
    std::uint32_t init_generation = 0;
    std::int64_t program_date_ms = 0;  // wall clock of its first frame, Unix ms
    std::uint64_t bytes = 0;
};

// One line, newline included.
std::string format_entry(const IndexEntry& e);

// The entries of an index file, at most `max_entries`. A line that does not parse ends the
// list: a crash in the middle of an append leaves a partial last line, never a wrong entry.
std::vector<IndexEntry> parse_index(std::string_view text, std::size_t max_entries);

// The VOD media playlist over `entries` (seg{msn}.m4s, init{g}.mp4, as live names them).
std::string vod_playlist(std::span<const IndexEntry> entries);

std::string segment_file(std::uint64_t msn);
std::string init_file(std::uint32_t generation);

}  // namespace nchat::record
