#pragma once
// nchat_streams rows ⇄ store::Stream, shared by both SQL dialects.
#include <string>
#include <vector>

#include "store/detail/sql_value.hpp"
#include "store/types.hpp"

namespace nchat::store::detail {

enum class Dialect { sqlite, postgres };

// A select-list entry yielding `column` (a time, maybe "t.col") as util::format_iso8601 text,
// named like the column.
std::string time_column(Dialect d, std::string_view column);

// The select list of a stream row, in the order stream_from_row reads it (kStreamColumns
// columns from index 0).
const std::string& stream_columns(Dialect d);
inline constexpr std::size_t kStreamColumns = 28;
Stream stream_from_row(const Row& r);

// INSERT INTO nchat_streams (…) VALUES (?, …) with its parameters.
std::string stream_insert_sql();
std::vector<Value> stream_insert_values(const Stream& s);

// The "a = ?, b = ?" of an UPDATE applying `p` (always ending with updated_at = now).
struct Assignments {
    std::string sql;
    std::vector<Value> params;
};
Assignments stream_patch_assignments(const StreamPatch& p, util::Time now);

std::string tags_to_json(const std::vector<std::string>& tags);
std::vector<std::string> tags_from_json(const std::string& json);

}  // namespace nchat::store::detail
