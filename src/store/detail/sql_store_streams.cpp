// SqlStore: the nchat_streams queries and the two views over them.
#include <algorithm>

#include "store/detail/sql_store.hpp"

namespace nchat::store::detail {
namespace {

std::vector<Stream> streams_from(const Rows& rows) {
    std::vector<Stream> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
        out.push_back(stream_from_row(r));
    return out;
}

}  // namespace

std::int64_t clamp_limit(std::int64_t v) {
    return std::clamp<std::int64_t>(v, 0, 1000);
}
std::int64_t clamp_offset(std::int64_t v) {
    return std::max<std::int64_t>(v, 0);
}

void SqlStore::create_stream(const Stream& s) {
    require_uuid("stream id", s.id);
    require_uuid("channel id", s.channel_id);
    require_uuid("broadcaster id", s.broadcaster_id);
    try {
        execute(stream_insert_sql(), stream_insert_values(s));
    } catch (const Conflict&) {
        // Either the id or the stream key; neither is worth telling apart to a client, and the
        // key itself must not appear in a message.
        throw Conflict("a stream with this id or stream key already exists");
    }
}

std::optional<Stream> SqlStore::one_stream(const std::string& where_column,
                                           const std::string& value) {
    auto rows = query(
        "SELECT " + stream_columns(dialect_) + " FROM nchat_streams WHERE " + where_column + " = ?",
        {value});
    if (rows.empty()) return std::nullopt;
    return stream_from_row(rows.front());
}

std::optional<Stream> SqlStore::get_stream(const std::string& id) {
    if (!is_uuid(id)) return std::nullopt;
    return one_stream("id", id);
}

std::optional<Stream> SqlStore::stream_by_key_hash(const std::string& key_hash) {
    return one_stream("stream_key", key_hash);
}

std::optional<Stream> SqlStore::update_stream(const std::string& id,
                                              const StreamPatch& patch,
                                              Time now,
                                              const std::vector<StreamStatus>& expected_status,
                                              bool* applied) {
    if (applied) *applied = false;
    if (!is_uuid(id)) return std::nullopt;
    auto set = stream_patch_assignments(patch, now);
    std::string sql = "UPDATE nchat_streams SET " + set.sql + " WHERE id = ?";
    set.params.push_back(id);
    if (!expected_status.empty()) {
        // Compare-and-set: a lifecycle transition planned from a row read earlier applies only
        // if no other request moved the stream meanwhile.
        sql += " AND status IN (";
        for (std::size_t i = 0; i < expected_status.size(); ++i) {
            sql += i ? ", ?" : "?";
            set.params.push_back(std::string(to_string(expected_status[i])));
        }
        sql += ")";
    }
    sql += " RETURNING " + stream_columns(dialect_);
    // An ended stream has no open viewer sessions: closing them goes with the status change.
    bool ends = patch.status &&
                (*patch.status == StreamStatus::ended || *patch.status == StreamStatus::cancelled);
    std::optional<Stream> out;
    auto body = [&] {
        Rows rows;
        try {
            rows = query(sql, set.params);
        } catch (const Conflict&) {
            throw Conflict("this stream key is already in use");
        }
        if (rows.empty()) {
            out = get_stream(id);  // gone, or not in an expected status
            return;
        }
        if (applied) *applied = true;
        out = stream_from_row(rows.front());
        if (ends) close_viewer_sessions(id, out->ended_at.value_or(now));
    };
    if (ends) {
        transaction(body);
    } else {
        body();
    }
    return out;
}

bool SqlStore::delete_stream(const std::string& id) {
    if (!is_uuid(id)) return false;
    // Access grants, viewers, metrics, chat and reactions go with it (ON DELETE CASCADE).
    return execute("DELETE FROM nchat_streams WHERE id = ?", {id}) > 0;
}

std::int64_t SqlStore::count_open_streams(const std::string& broadcaster_id) {
    if (!is_uuid(broadcaster_id)) return 0;
    return int_at(query("SELECT count(*) FROM nchat_streams WHERE broadcaster_id = ?"
                        " AND status NOT IN ('ended', 'cancelled')",
                        {broadcaster_id})
                      .at(0),
                  0);
}

std::vector<Stream> SqlStore::list_streams(const StreamFilter& f) {
    std::string sql = "SELECT " + stream_columns(dialect_) + " FROM nchat_streams s WHERE TRUE";
    std::vector<Value> params;
    if (f.status) {
        sql += " AND s.status = ?";
        params.push_back(std::string(to_string(*f.status)));
    }
    if (!f.include_all_private) {
        sql += " AND (NOT coalesce(s.is_private, FALSE)";
        if (is_uuid(f.viewer_id)) {
            sql +=
                " OR s.broadcaster_id = ? OR EXISTS (SELECT 1 FROM nchat_stream_access a"
                " WHERE a.stream_id = s.id AND a.user_id = ?)";
            params.push_back(f.viewer_id);
            params.push_back(f.viewer_id);
        }
        sql += ")";
    }
    sql += " ORDER BY s.created_at DESC, s.id LIMIT ? OFFSET ?";
    params.push_back(clamp_limit(f.limit));
    params.push_back(clamp_offset(f.offset));
    return streams_from(query(sql, params));
}

std::vector<LiveStreamRow> SqlStore::live_streams(std::int64_t limit, std::int64_t offset) {
    // Busiest first, then the most recently started: the order of a "live now" directory.
    auto rows = query("SELECT " + stream_columns(dialect_) +
                          ", current_viewers FROM nchat_live_streams l"
                          " ORDER BY current_viewers DESC, l.started_at DESC, l.id"
                          " LIMIT ? OFFSET ?",
                      {clamp_limit(limit), clamp_offset(offset)});
    std::vector<LiveStreamRow> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
        out.push_back({stream_from_row(r), int_at(r, kStreamColumns)});
    }
    return out;
}

std::vector<Stream> SqlStore::top_streams(std::int64_t limit) {
    // The view's own ORDER BY picks the 100; only this one orders what we get.
    return streams_from(query("SELECT " + stream_columns(dialect_) +
                                  " FROM nchat_top_streams t"
                                  " ORDER BY coalesce(t.peak_viewer_count, 0) DESC,"
                                  " t.created_at DESC, t.id LIMIT ?",
                              {clamp_limit(limit)}));
}

}  // namespace nchat::store::detail
