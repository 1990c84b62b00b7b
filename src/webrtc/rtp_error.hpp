#pragma once
// Errors of the RTP/RTCP parsers (data plane: returned, never thrown).
#include <system_error>

namespace nchat::webrtc {

enum class rtp_error {
    truncated = 1,  // shorter than its headers or lengths say
    bad_version,    // V != 2
    malformed,      // the bytes cannot be what the spec says (bad padding, zero sizes, ...)
    too_large,      // a length or count over its limit (limits.hpp)
};

const std::error_category& rtp_error_category();
inline std::error_code make_error_code(rtp_error e) {
    return {static_cast<int>(e), rtp_error_category()};
}

}  // namespace nchat::webrtc

template <>
struct std::is_error_code_enum<nchat::webrtc::rtp_error> : std::true_type {};
