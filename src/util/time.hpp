#pragma once
// ISO 8601 / RFC 3339 timestamps as the REST API speaks them: always UTC with milliseconds out
// ("2026-11-24T14:45:17.123Z"); offsets and optional fractions accepted in.
#include <optional>
#include <string>
#include <string_view>

#include "util/clock.hpp"

namespace nchat::util {

std::string format_iso8601(Time t);
std::optional<Time> parse_iso8601(std::string_view s);
// RFC 7231 IMF-fixdate, for Last-Modified / Date headers.
std::string format_http_date(Time t);

}  // namespace nchat::util
