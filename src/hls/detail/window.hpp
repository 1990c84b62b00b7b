#pragma once
// The in-memory window of one rendition: what the playlist lists and the origin serves.
// Written by Rendition (rendition.hpp) on the stream strand, read by playlist/resource code.
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "util/clock.hpp"

namespace nchat::hls {

using Buffer = std::shared_ptr<const std::vector<std::uint8_t>>;

struct Part {
    double duration = 0;       // seconds, of the rendition's main (video, else audio) track
    bool independent = false;  // starts with a sync sample (EXT-X-PART INDEPENDENT=YES)
    // No media (EXT-X-PART GAP=YES): the rendition had none for this stretch of the shared
    // timeline (shed under load); a player takes it from a sibling. `bytes` is then null.
    bool gap = false;
    Buffer bytes;  // one CMAF fragment (moof+mdat)
};

struct Segment {
    std::uint64_t msn = 0;
    double start = 0;     // seconds on the rendition's running clock (sum of all parts)
    double duration = 0;  // sum of its parts
    bool complete = false;
    bool discontinuity = false;                // EXT-X-DISCONTINUITY before it
    std::uint64_t discontinuity_sequence = 0;  // discontinuities up to and including it
    std::uint32_t epoch = 0;                   // publishing period (a discontinuity starts one)
    bool gap = false;                          // some part is a GAP: EXT-X-GAP (§4.4.4.7)
    std::int64_t t_us = 0;                     // start on the stream's shared timeline
    std::uint32_t init_generation = 0;         // which EXT-X-MAP (init{g}.mp4)
    Buffer init;
    util::Time program_date_time{};
    std::vector<Part> parts;
    std::optional<double> removed_at;  // running clock when it left the playlist (§6.2.2)
};

struct Window {
    std::chrono::milliseconds part_target{334};
    std::uint32_t target_duration = 2;
    // Oldest first: segments kept after leaving the playlist, the listed ones, and last the
    // open segment (complete == false) if one is being built.
    std::deque<Segment> segments;
    std::size_t first_listed = 0;  // index into segments
    // Where the next part goes: segment next_msn, index next_part (the PRELOAD-HINT).
    std::uint64_t next_msn = 0;
    std::uint32_t next_part = 0;
    std::uint32_t init_generation = 0;
    Buffer init;
    double end = 0;  // running clock at the end of the last part
    bool ended = false;
    // The rendition has no media now (shed): its parts are gaps, and the next part is not
    // hinted (it will be a gap too).
    bool gap = false;
};

// The retained segment `msn`, or nullptr (gone, or not started).
inline const Segment* find_segment(const Window& w, std::uint64_t msn) {
    if (w.segments.empty() || msn < w.segments.front().msn) return nullptr;
    const std::uint64_t i = msn - w.segments.front().msn;
    return i < w.segments.size() ? &w.segments[i] : nullptr;
}

}  // namespace nchat::hls
