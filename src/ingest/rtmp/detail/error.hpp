#pragma once
// Errors of the RTMP ingest's parsers (data plane: returned, never thrown).
#include <system_error>

namespace nchat::ingest::rtmp {

enum class error {
    need_more = 1,  // the input is a valid prefix; wait for more bytes
    malformed,      // the bytes cannot be what the spec says
    too_deep,       // AMF nesting over limits::kMaxAmfDepth
    too_large,      // a length or count over its limit
    unsupported,    // valid but not something we accept (AMF3, XML, ...)
};

const std::error_category& error_category();
inline std::error_code make_error_code(error e) {
    return {static_cast<int>(e), error_category()};
}

}  // namespace nchat::ingest::rtmp

template <>
struct std::is_error_code_enum<nchat::ingest::rtmp::error> : std::true_type {};
