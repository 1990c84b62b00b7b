// SqlStore: chat messages and reactions (issue 6, docs/chat.md).
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>

#include "store/detail/sql_store.hpp"

namespace nchat::store::detail {
namespace {

std::vector<ChatMessage> chat_from(const Rows& rows) {
    std::vector<ChatMessage> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
        out.push_back(chat_from_row(r));
    return out;
}

Value real_value(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return std::string(buf);
}

double real_at(const Row& r, std::size_t i) {
    const auto& v = r.at(i);
    if (!v) return 0;
    double out = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc()) throw StoreError("column " + std::to_string(i) + " is not a number");
    return out;
}

// "(created_at >= ? AND created_at < ?) OR …" over `ranges`, its values appended to `params`.
std::string ranges_clause(const std::string& column,
                          const std::vector<TimeRange>& ranges,
                          std::vector<Value>& params) {
    if (ranges.empty() || ranges.size() > kMaxTimeRanges) {
        throw StoreError("between 1 and " + std::to_string(kMaxTimeRanges) + " time ranges");
    }
    std::string out = "(";
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        if (i > 0) out += " OR ";
        out += "(" + column + " >= ? AND " + column + " < ?)";
        params.push_back(time_value(ranges[i].from));
        params.push_back(time_value(ranges[i].to));
    }
    return out + ")";
}

Reaction reaction_from_row(const Row& r) {
    return {text_at(r, 0), text_at(r, 1), opt_text_at(r, 2), text_at(r, 3),
            real_at(r, 4), real_at(r, 5), time_at(r, 6)};
}

}  // namespace

std::string chat_columns(Dialect d) {
    return "m.id, m.stream_id, m.user_id, m.user_name, m.content, m.is_pinned, m.is_deleted, "
           "m.is_question, " +
           time_column(d, "m.created_at");
}

ChatMessage chat_from_row(const Row& r) {
    ChatMessage m;
    m.id = text_at(r, 0);
    m.stream_id = text_at(r, 1);
    m.user_id = text_at(r, 2);
    m.user_name = text_at(r, 3);
    m.content = text_at(r, 4);
    m.is_pinned = bool_at(r, 5, false);
    m.is_deleted = bool_at(r, 6, false);
    m.is_question = bool_at(r, 7, false);
    m.created_at = time_at(r, 8);
    return m;
}

void SqlStore::insert_chat_messages(const std::vector<ChatMessage>& batch) {
    if (batch.empty()) return;
    for (const auto& m : batch) {
        require_uuid("message id", m.id);
        require_uuid("stream id", m.stream_id);
        require_uuid("user id", m.user_id);
    }
    // SQLite: one writer per file, so max + 1 inside the transaction is the next number.
    // PostgreSQL: the column's sequence.
    const std::string insert =
        dialect_ == Dialect::sqlite
            ? "INSERT INTO nchat_stream_chat_messages (id, stream_id, user_id, user_name, content, "
              "is_pinned, is_deleted, is_question, created_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, "
              "?, "
              "?, (SELECT coalesce(max(seq), 0) + 1 FROM nchat_stream_chat_messages "
              "WHERE stream_id = ?))"
            : "INSERT INTO nchat_stream_chat_messages (id, stream_id, user_id, user_name, content, "
              "is_pinned, is_deleted, is_question, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    transaction([&] {
        std::map<std::string, std::int64_t> per_stream;
        for (const auto& m : batch) {
            std::vector<Value> params{m.id,         m.stream_id,   m.user_id,
                                      m.user_name,  m.content,     m.is_pinned,
                                      m.is_deleted, m.is_question, time_value(m.created_at)};
            if (dialect_ == Dialect::sqlite) params.push_back(m.stream_id);
            try {
                execute(insert, params);
            } catch (const Conflict&) {
                throw Conflict("a chat message with this id already exists");
            }
            if (m.is_question) {
                execute(
                    "INSERT INTO nchat_stream_questions (message_id, stream_id, updated_at) "
                    "VALUES (?, ?, ?)",
                    {m.id, m.stream_id, time_value(m.created_at)});
            }
            ++per_stream[m.stream_id];
        }
        for (const auto& [stream, n] : per_stream) {
            execute(
                "UPDATE nchat_streams SET total_chat_messages = coalesce(total_chat_messages, 0) "
                "+ ? WHERE id = ?",
                {n, stream});
        }
    });
}

std::optional<ChatMessage> SqlStore::get_chat_message(const std::string& stream_id,
                                                      const std::string& id) {
    if (!is_uuid(stream_id) || !is_uuid(id)) return std::nullopt;
    auto rows = query("SELECT " + chat_columns(dialect_) +
                          " FROM nchat_stream_chat_messages m WHERE m.stream_id = ? AND m.id = ?",
                      {stream_id, id});
    if (rows.empty()) return std::nullopt;
    return chat_from_row(rows.front());
}

std::vector<ChatMessage> SqlStore::list_chat(const std::string& stream_id,
                                             std::int64_t limit,
                                             std::int64_t offset,
                                             bool include_deleted) {
    if (!is_uuid(stream_id)) return {};
    auto out = chat_from(query("SELECT " + chat_columns(dialect_) +
                                   " FROM nchat_stream_chat_messages m WHERE m.stream_id = ?" +
                                   (include_deleted ? "" : " AND NOT m.is_deleted") +
                                   " ORDER BY m.seq DESC LIMIT ? OFFSET ?",
                               {stream_id, clamp_limit(limit), clamp_offset(offset)}));
    std::reverse(out.begin(), out.end());  // newest last
    return out;
}

std::optional<std::vector<ChatMessage>> SqlStore::chat_after(const std::string& stream_id,
                                                             const std::string& after_id,
                                                             std::int64_t limit) {
    if (!is_uuid(stream_id) || !is_uuid(after_id)) return std::nullopt;
    auto seq = query("SELECT seq FROM nchat_stream_chat_messages WHERE stream_id = ? AND id = ?",
                     {stream_id, after_id});
    if (seq.empty()) return std::nullopt;
    return chat_from(query("SELECT " + chat_columns(dialect_) +
                               " FROM nchat_stream_chat_messages m WHERE m.stream_id = ?"
                               " AND m.seq > ? AND NOT m.is_deleted ORDER BY m.seq LIMIT ?",
                           {stream_id, int_at(seq.front(), 0), clamp_limit(limit)}));
}

std::vector<ChatMessage> SqlStore::chat_between(const std::string& stream_id,
                                                const std::vector<TimeRange>& ranges,
                                                std::int64_t limit) {
    if (!is_uuid(stream_id) || ranges.empty()) return {};
    std::vector<Value> params{stream_id};
    auto where = ranges_clause("m.created_at", ranges, params);
    params.push_back(clamp_limit(limit));
    return chat_from(query("SELECT " + chat_columns(dialect_) +
                               " FROM nchat_stream_chat_messages m WHERE m.stream_id = ? AND " +
                               where + " AND NOT m.is_deleted ORDER BY m.seq LIMIT ?",
                           params));
}

bool SqlStore::delete_chat_message(const std::string& stream_id,
                                   const std::string& id,
                                   const std::string& deleted_by,
                                   Time at) {
    if (!is_uuid(stream_id) || !is_uuid(id)) return false;
    require_uuid("deleted_by", deleted_by);
    return execute(
               "UPDATE nchat_stream_chat_messages SET is_deleted = TRUE, is_pinned = FALSE, "
               "deleted_by = ?, deleted_at = ? WHERE stream_id = ? AND id = ? AND NOT is_deleted",
               {deleted_by, time_value(at), stream_id, id}) > 0;
}

bool SqlStore::pin_chat_message(const std::string& stream_id, const std::string& id) {
    if (!is_uuid(stream_id) || !is_uuid(id)) return false;
    bool pinned = false;
    transaction([&] {
        pinned = execute(
                     "UPDATE nchat_stream_chat_messages SET is_pinned = TRUE "
                     "WHERE stream_id = ? AND id = ? AND NOT is_deleted",
                     {stream_id, id}) > 0;
        if (!pinned) return;
        execute(
            "UPDATE nchat_stream_chat_messages SET is_pinned = FALSE "
            "WHERE stream_id = ? AND is_pinned AND id <> ?",
            {stream_id, id});
    });
    return pinned;
}

bool SqlStore::unpin_chat_message(const std::string& stream_id, const std::string& id) {
    if (!is_uuid(stream_id) || !is_uuid(id)) return false;
    return execute(
               "UPDATE nchat_stream_chat_messages SET is_pinned = FALSE "
               "WHERE stream_id = ? AND id = ? AND is_pinned",
               {stream_id, id}) > 0;
}

std::int64_t SqlStore::clear_chat(const std::string& stream_id,
                                  const std::string& deleted_by,
                                  Time at) {
    if (!is_uuid(stream_id)) return 0;
    require_uuid("deleted_by", deleted_by);
    return execute(
        "UPDATE nchat_stream_chat_messages SET is_deleted = TRUE, is_pinned = FALSE, "
        "deleted_by = ?, deleted_at = ? WHERE stream_id = ? AND NOT is_deleted",
        {deleted_by, time_value(at), stream_id});
}

void SqlStore::insert_reactions(const std::vector<Reaction>& batch) {
    if (batch.empty()) return;
    for (const auto& r : batch) {
        require_uuid("reaction id", r.id);
        require_uuid("stream id", r.stream_id);
        if (r.user_id) require_uuid("user id", *r.user_id);
    }
    transaction([&] {
        std::map<std::string, std::int64_t> per_stream;
        for (const auto& r : batch) {
            execute(
                "INSERT INTO nchat_stream_reactions (id, stream_id, user_id, emoji, position_x, "
                "position_y, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                {r.id, r.stream_id, text_value(r.user_id), r.emoji, real_value(r.position_x),
                 real_value(r.position_y), time_value(r.created_at)});
            ++per_stream[r.stream_id];
        }
        for (const auto& [stream, n] : per_stream) {
            execute(
                "UPDATE nchat_streams SET total_reactions = coalesce(total_reactions, 0) + ? "
                "WHERE id = ?",
                {n, stream});
        }
    });
}

std::vector<Reaction> SqlStore::recent_reactions(const std::string& stream_id, std::int64_t limit) {
    std::vector<Reaction> out;
    if (!is_uuid(stream_id)) return out;
    auto rows = query("SELECT r.id, r.stream_id, r.user_id, r.emoji, r.position_x, r.position_y, " +
                          time_column(dialect_, "r.created_at") +
                          " FROM nchat_stream_reactions r WHERE r.stream_id = ?"
                          " ORDER BY r.created_at DESC, r.id LIMIT ?",
                      {stream_id, clamp_limit(limit)});
    for (auto it = rows.rbegin(); it != rows.rend(); ++it)
        out.push_back(reaction_from_row(*it));
    return out;
}

std::vector<Reaction> SqlStore::reactions_between(const std::string& stream_id,
                                                  const std::vector<TimeRange>& ranges,
                                                  std::int64_t limit) {
    std::vector<Reaction> out;
    if (!is_uuid(stream_id) || ranges.empty()) return out;
    std::vector<Value> params{stream_id};
    auto where = ranges_clause("r.created_at", ranges, params);
    params.push_back(clamp_limit(limit));
    auto rows = query("SELECT r.id, r.stream_id, r.user_id, r.emoji, r.position_x, r.position_y, " +
                          time_column(dialect_, "r.created_at") +
                          " FROM nchat_stream_reactions r WHERE r.stream_id = ? AND " + where +
                          " ORDER BY r.created_at, r.id LIMIT ?",
                      params);
    out.reserve(rows.size());
    for (const auto& r : rows)
        out.push_back(reaction_from_row(r));
    return out;
}

}  // namespace nchat::store::detail
