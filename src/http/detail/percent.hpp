#pragma once
// Percent-decoding of request targets (RFC 3986 §2.1).
#include <optional>
#include <string>
#include <string_view>

namespace nchat::http::detail {

// The decoded path; nullopt for a malformed escape or a NUL byte (the caller answers 400).
std::optional<std::string> decode_path(std::string_view path);
// A query key or value: '+' is a space (application/x-www-form-urlencoded); a malformed escape
// is kept literally, as browsers do.
std::string decode_query_component(std::string_view s);

}  // namespace nchat::http::detail
