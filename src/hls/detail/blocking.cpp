#include "hls/detail/blocking.hpp"

namespace nchat::hls {
namespace {

bool is_ready(const Window& w, std::uint64_t msn, std::optional<std::uint32_t> part) {
    if (!part) return msn < w.next_msn;  // the whole segment M is in the playlist
    if (msn < w.next_msn) {
        const Segment* s = find_segment(w, msn);
        if (s == nullptr || *part < s->parts.size()) return true;  // listed, or long gone
        // "A part index past M's last part means part 0 of M+1."
        ++msn;
        part = 0;
        if (msn < w.next_msn) return true;
    }
    return msn == w.next_msn && *part < w.next_part;
}

// How many parts past the last published one (msn, part) lies. Past the current segment the
// parts still to come in it are unknown, so only the requested index counts: a conservative
// measure that never refuses a request a correct client makes.
std::int64_t parts_ahead(const Window& w, std::uint64_t msn, std::uint32_t part) {
    std::uint64_t last_msn = w.next_msn;
    std::int64_t last_part = static_cast<std::int64_t>(w.next_part) - 1;
    if (w.next_part == 0) {
        if (const Segment* s = w.next_msn > 0 ? find_segment(w, w.next_msn - 1) : nullptr) {
            last_msn = s->msn;
            last_part = static_cast<std::int64_t>(s->parts.size()) - 1;
        }
    }
    if (msn == last_msn) return static_cast<std::int64_t>(part) - last_part;
    if (msn > last_msn) return static_cast<std::int64_t>(part) + 1;
    return 0;
}

}  // namespace

BlockingDecision decide_blocking_reload(const BlockingRequest& req,
                                        const Window& w,
                                        std::chrono::milliseconds waited) {
    if (!req.msn) return req.part ? BlockingDecision::bad_request : BlockingDecision::ready;
    if (w.ended) return BlockingDecision::ready;  // directives are ignored after ENDLIST
    // M beyond the last complete segment + 2 (next_msn - 1 + 2): 400 at once.
    if (*req.msn > w.next_msn + 1) return BlockingDecision::bad_request;
    if (is_ready(w, *req.msn, req.part)) return BlockingDecision::ready;
    if (req.part) {
        // Advance Part Limit: 3 / PART-TARGET when PART-TARGET < 1 s, else 3.
        const double part_target = w.part_target.count() / 1000.0;
        const double limit = part_target < 1.0 ? 3.0 / part_target : 3.0;
        if (static_cast<double>(parts_ahead(w, *req.msn, *req.part)) > limit) {
            return BlockingDecision::bad_request;
        }
    }
    if (waited > std::chrono::seconds(3 * w.target_duration)) return BlockingDecision::unavailable;
    return BlockingDecision::wait;
}

}  // namespace nchat::hls
