#pragma once
// URI names inside /hls/{streamId}/{rendition}/ and their lookup for the HTTP origin.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hls/detail/window.hpp"

namespace nchat::hls {

std::string init_uri(std::uint32_t generation);                // "init.mp4", then "init1.mp4", ...
std::string segment_uri(std::uint64_t msn);                    // "seg{msn}.m4s"
std::string part_uri(std::uint64_t msn, std::uint32_t index);  // "part{msn}.{index}.m4s"

struct Resource {
    enum class Status {
        found,    // buffers hold the whole response (a segment = its parts, in order)
        hinted,   // the PRELOAD-HINT part: hold the request until it exists (§6.2.6)
        gap,      // listed as a GAP (no media, §4.4.4.7): 404, a player takes a sibling's
        not_yet,  // a future name that was never announced: 404
        gone,     // left the window and its retention time: 404
        unknown,  // not one of our names: 404
    };
    Status status = Status::unknown;
    std::vector<Buffer> buffers;
};

Resource find_resource(const Window& window, std::string_view name);

}  // namespace nchat::hls
