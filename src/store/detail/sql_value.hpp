#pragma once
// What the SQL backends exchange with the shared query code (SqlStore): parameters as a small
// variant, result rows as text. Text is what libpq speaks anyway, and SQLite renders its
// integers as text on request, so one decoder serves both.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "util/clock.hpp"

namespace nchat::store::detail {

using Value = std::variant<std::nullptr_t, std::int64_t, bool, std::string>;
using Row = std::vector<std::optional<std::string>>;  // nullopt = SQL NULL
using Rows = std::vector<Row>;

// Times go in as util::format_iso8601 text: SQLite stores it as is, PostgreSQL parses it.
Value time_value(util::Time t);
Value time_value(const std::optional<util::Time>& t);
Value text_value(const std::optional<std::string>& s);

// Decoders of one column. A NULL where the schema allows none reads as the column default, so
// rows written by other tools (the spec leaves counters and flags nullable) still load.
std::string text_at(const Row& r, std::size_t i);
std::optional<std::string> opt_text_at(const Row& r, std::size_t i);
std::int64_t int_at(const Row& r, std::size_t i, std::int64_t if_null = 0);
bool bool_at(const Row& r, std::size_t i, bool if_null);
util::Time time_at(const Row& r, std::size_t i);
std::optional<util::Time> opt_time_at(const Row& r, std::size_t i);

// PostgreSQL rejects a malformed uuid with an error where SQLite would simply find nothing.
// Lookups check is_uuid first (both backends find nothing); writes call require_uuid (both
// throw StoreError).
bool is_uuid(const std::string& v);
void require_uuid(std::string_view what, const std::string& v);

}  // namespace nchat::store::detail
