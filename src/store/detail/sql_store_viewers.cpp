// SqlStore: viewer sessions (nchat_stream_viewers) and the view counters of nchat_streams
// (issue 6, Presence; docs/realtime.md, Viewer counts).
#include <algorithm>
#include <map>

#include "store/detail/sql_store.hpp"

namespace nchat::store::detail {
namespace {

// watch_seconds of an open row closed at the first parameter: whole seconds, as
// store::watch_seconds computes them for the rows closed one by one. Times are ISO 8601 text
// with milliseconds in SQLite; julianday is exact to well under a millisecond at this range,
// so the difference is rounded to milliseconds before it is cut to seconds.
std::string watch_seconds_sql(Dialect d) {
    if (d == Dialect::sqlite) {
        return "max(0, CAST(round((julianday(?) - julianday(joined_at)) * 86400000) AS INTEGER) "
               "/ 1000)";
    }
    return "GREATEST(0, floor(EXTRACT(EPOCH FROM (CAST(? AS timestamptz) - joined_at))))::integer";
}

}  // namespace

std::int64_t SqlStore::record_viewers(const ViewerBatch& batch) {
    if (batch.empty()) return 0;
    for (const auto& v : batch.started) {
        require_uuid("viewer session id", v.id);
        require_uuid("stream id", v.stream_id);
        if (v.user_id) require_uuid("user id", *v.user_id);
    }
    for (const auto& l : batch.left)
        require_uuid("viewer session id", l.id);
    for (const auto& id : batch.rejoined)
        require_uuid("viewer session id", id);

    // Per stream: its new sessions and the most viewers seen at once.
    struct PerStream {
        std::vector<const ViewerSession*> started;
        std::int64_t peak = 0;
    };
    std::map<std::string, PerStream> streams;
    for (const auto& v : batch.started)
        streams[v.stream_id].started.push_back(&v);
    for (const auto& [stream, n] : batch.peaks) {
        if (!is_uuid(stream)) continue;  // a room of no stream: nothing to count
        auto& p = streams[stream].peak;
        p = std::max(p, n);
    }

    std::int64_t inserted = 0;
    transaction([&] {
        for (const auto& id : batch.rejoined) {
            // The same session goes on (no new view); one its stream's end closed stays closed.
            execute(
                "UPDATE nchat_stream_viewers SET left_at = NULL WHERE id = ? AND stream_id IN"
                " (SELECT id FROM nchat_streams WHERE status NOT IN (?, ?))",
                {id, std::string(to_string(StreamStatus::ended)),
                 std::string(to_string(StreamStatus::cancelled))});
        }
        for (const auto& l : batch.left) {
            // Already closed when its stream ended: the stream's end is its left_at.
            execute(
                "UPDATE nchat_stream_viewers SET left_at = ?, watch_seconds = ?"
                " WHERE id = ? AND left_at IS NULL",
                {time_value(l.left_at), l.watch_seconds, l.id});
        }
        const std::string greatest = dialect_ == Dialect::sqlite ? "max" : "GREATEST";
        for (const auto& [stream, p] : streams) {
            // The counters first: this locks the stream's row (PostgreSQL), so an end committed
            // by another node either precedes this (nothing is recorded) or waits for it (its
            // close_viewer_sessions then closes what is inserted here).
            auto changed = execute(
                "UPDATE nchat_streams SET total_view_count = coalesce(total_view_count, 0) + ?, "
                "peak_viewer_count = " +
                    greatest +
                    "(coalesce(peak_viewer_count, 0), ?)"
                    " WHERE id = ? AND status NOT IN (?, ?)",
                {std::int64_t(p.started.size()), p.peak, stream,
                 std::string(to_string(StreamStatus::ended)),
                 std::string(to_string(StreamStatus::cancelled))});
            if (changed == 0) continue;
            for (const auto* v : p.started) {
                execute(
                    "INSERT INTO nchat_stream_viewers (id, stream_id, user_id, session_id, "
                    "joined_at, left_at, watch_seconds) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    {v->id, v->stream_id, text_value(v->user_id), v->session_id,
                     time_value(v->joined_at), time_value(v->left_at), v->watch_seconds});
                ++inserted;
            }
        }
    });
    return inserted;
}

std::int64_t SqlStore::close_viewer_sessions(const std::string& stream_id, Time at) {
    if (!is_uuid(stream_id)) return 0;
    // One statement over the partial index of open rows: bounded by the stream's open sessions.
    return execute("UPDATE nchat_stream_viewers SET left_at = ?, watch_seconds = " +
                       watch_seconds_sql(dialect_) + " WHERE stream_id = ? AND left_at IS NULL",
                   {time_value(at), time_value(at), stream_id});
}

std::vector<ViewerSession> SqlStore::current_viewers(const std::string& stream_id,
                                                     std::int64_t limit,
                                                     std::int64_t offset) {
    std::vector<ViewerSession> out;
    if (!is_uuid(stream_id)) return out;
    // One line per user (several nodes may each hold a session of the same user).
    auto rows = query("SELECT x.user_id, " + time_column(dialect_, "x.joined_at") +
                          " FROM (SELECT v.user_id, min(v.joined_at) AS joined_at"
                          " FROM nchat_stream_viewers v WHERE v.stream_id = ?"
                          " AND v.left_at IS NULL AND v.user_id IS NOT NULL GROUP BY v.user_id) x"
                          " ORDER BY x.joined_at, x.user_id LIMIT ? OFFSET ?",
                      {stream_id, clamp_limit(limit), clamp_offset(offset)});
    out.reserve(rows.size());
    for (const auto& r : rows) {
        ViewerSession v;
        v.stream_id = stream_id;
        v.user_id = text_at(r, 0);
        v.joined_at = time_at(r, 1);
        out.push_back(std::move(v));
    }
    return out;
}

std::vector<ViewerSession> SqlStore::list_viewer_sessions(const std::string& stream_id,
                                                          std::int64_t limit,
                                                          std::int64_t offset) {
    std::vector<ViewerSession> out;
    if (!is_uuid(stream_id)) return out;
    auto rows =
        query("SELECT v.id, v.stream_id, v.user_id, v.session_id, " +
                  time_column(dialect_, "v.joined_at") + ", " + time_column(dialect_, "v.left_at") +
                  ", v.watch_seconds FROM nchat_stream_viewers v WHERE v.stream_id = ?"
                  " ORDER BY v.joined_at, v.id LIMIT ? OFFSET ?",
              {stream_id, clamp_limit(limit), clamp_offset(offset)});
    out.reserve(rows.size());
    for (const auto& r : rows) {
        ViewerSession v;
        v.id = text_at(r, 0);
        v.stream_id = text_at(r, 1);
        v.user_id = opt_text_at(r, 2);
        v.session_id = text_at(r, 3);
        v.joined_at = time_at(r, 4);
        v.left_at = opt_time_at(r, 5);
        v.watch_seconds = int_at(r, 6);
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace nchat::store::detail
