#pragma once
// Blocking playlist reload (rfc8216bis §6.2.5.2): whether a request with _HLS_msn/_HLS_part
// can be answered now. The HTTP layer holds the request and asks again after each new part.
#include <chrono>
#include <cstdint>
#include <optional>

#include "hls/detail/window.hpp"

namespace nchat::hls {

struct BlockingRequest {
    std::optional<std::uint64_t> msn;   // _HLS_msn
    std::optional<std::uint32_t> part;  // _HLS_part
};

enum class BlockingDecision {
    ready,        // send the playlist now
    wait,         // hold the request; ask again when a part is added
    bad_request,  // 400 at once: _HLS_part alone, or asking too far ahead
    unavailable,  // 503: blocked longer than 3×TD
};

// `waited` is how long the request has been held so far (0 when it arrives).
BlockingDecision decide_blocking_reload(const BlockingRequest& request,
                                        const Window& window,
                                        std::chrono::milliseconds waited);

}  // namespace nchat::hls
