// SqlStore: Q&A, bans, slow mode and the moderation log (issue 6, docs/chat.md).
#include "store/detail/sql_store.hpp"

namespace nchat::store::detail {
namespace {

Value voter_value(const std::string& voter_id) {
    // NULL matches no vote: anonymous readers have voted on nothing.
    if (!is_uuid(voter_id)) return nullptr;
    return voter_id;
}

std::string ban_columns(Dialect d) {
    return "b.stream_id, b.user_id, b.banned_by, b.reason, " + time_column(d, "b.expires_at") +
           ", " + time_column(d, "b.created_at");
}

Ban ban_from_row(const Row& r) {
    return {text_at(r, 0),     text_at(r, 1),     text_at(r, 2),
            opt_text_at(r, 3), opt_time_at(r, 4), time_at(r, 5)};
}

}  // namespace

std::vector<Question> SqlStore::questions_where(const std::string& where,
                                                std::vector<Value> params,
                                                const std::string& voter_id) {
    params.insert(params.begin(), voter_value(voter_id));
    auto rows = query("SELECT " + chat_columns(dialect_) +
                          ", q.status, q.votes, EXISTS (SELECT 1 FROM nchat_stream_question_votes v"
                          " WHERE v.message_id = q.message_id AND v.user_id = ?), " +
                          time_column(dialect_, "q.answered_at") +
                          " FROM nchat_stream_questions q"
                          " JOIN nchat_stream_chat_messages m ON m.id = q.message_id WHERE " +
                          where,
                      params);
    std::vector<Question> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
        Question q;
        q.message = chat_from_row(r);
        auto status = parse_question_status(text_at(r, kChatColumns));
        if (!status) throw StoreError("question " + q.message.id + " has an unknown status");
        q.status = *status;
        q.votes = int_at(r, kChatColumns + 1);
        q.has_voted = bool_at(r, kChatColumns + 2, false);
        q.answered_at = opt_time_at(r, kChatColumns + 3);
        out.push_back(std::move(q));
    }
    return out;
}

std::optional<Question> SqlStore::get_question(const std::string& stream_id,
                                               const std::string& id,
                                               const std::string& voter_id) {
    if (!is_uuid(stream_id) || !is_uuid(id)) return std::nullopt;
    auto qs = questions_where("q.stream_id = ? AND q.message_id = ?", {stream_id, id}, voter_id);
    if (qs.empty()) return std::nullopt;
    return std::move(qs.front());
}

std::vector<Question> SqlStore::list_questions(const std::string& stream_id,
                                               std::optional<QuestionStatus> status,
                                               const std::string& voter_id,
                                               std::int64_t limit,
                                               std::int64_t offset) {
    if (!is_uuid(stream_id)) return {};
    std::string where = "q.stream_id = ? AND NOT m.is_deleted";
    std::vector<Value> params{stream_id};
    if (status) {
        where += " AND q.status = ?";
        params.push_back(std::string(to_string(*status)));
    }
    where += " ORDER BY q.votes DESC, m.seq LIMIT ? OFFSET ?";
    params.push_back(clamp_limit(limit));
    params.push_back(clamp_offset(offset));
    return questions_where(where, std::move(params), voter_id);
}

bool SqlStore::add_question_vote(const std::string& question_id,
                                 const std::string& user_id,
                                 Time at) {
    require_uuid("question id", question_id);
    require_uuid("user id", user_id);
    bool added = false;
    transaction([&] {
        added = execute(
                    "INSERT INTO nchat_stream_question_votes (message_id, user_id, created_at) "
                    "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    {question_id, user_id, time_value(at)}) > 0;
        if (added) {
            execute("UPDATE nchat_stream_questions SET votes = votes + 1 WHERE message_id = ?",
                    {question_id});
        }
    });
    return added;
}

bool SqlStore::remove_question_vote(const std::string& question_id, const std::string& user_id) {
    if (!is_uuid(question_id) || !is_uuid(user_id)) return false;
    bool removed = false;
    transaction([&] {
        removed =
            execute("DELETE FROM nchat_stream_question_votes WHERE message_id = ? AND user_id = ?",
                    {question_id, user_id}) > 0;
        if (removed) {
            execute("UPDATE nchat_stream_questions SET votes = votes - 1 WHERE message_id = ?",
                    {question_id});
        }
    });
    return removed;
}

bool SqlStore::set_question_status(const std::string& stream_id,
                                   const std::string& id,
                                   QuestionStatus status,
                                   Time at) {
    if (!is_uuid(stream_id) || !is_uuid(id)) return false;
    Value answered = status == QuestionStatus::answered ? time_value(at) : Value(nullptr);
    return execute(
               "UPDATE nchat_stream_questions SET status = ?, answered_at = ?, updated_at = ? "
               "WHERE stream_id = ? AND message_id = ?",
               {std::string(to_string(status)), answered, time_value(at), stream_id, id}) > 0;
}

void SqlStore::put_ban(const Ban& b) {
    require_uuid("stream id", b.stream_id);
    require_uuid("user id", b.user_id);
    require_uuid("banned_by", b.banned_by);
    execute(
        "INSERT INTO nchat_stream_bans (stream_id, user_id, banned_by, reason, expires_at, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (stream_id, user_id) DO UPDATE SET "
        "banned_by = excluded.banned_by, reason = excluded.reason, "
        "expires_at = excluded.expires_at, created_at = excluded.created_at",
        {b.stream_id, b.user_id, b.banned_by, text_value(b.reason), time_value(b.expires_at),
         time_value(b.created_at)});
}

bool SqlStore::remove_ban(const std::string& stream_id, const std::string& user_id) {
    if (!is_uuid(stream_id) || !is_uuid(user_id)) return false;
    return execute("DELETE FROM nchat_stream_bans WHERE stream_id = ? AND user_id = ?",
                   {stream_id, user_id}) > 0;
}

std::optional<Ban> SqlStore::active_ban(const std::string& stream_id,
                                        const std::string& user_id,
                                        Time now) {
    if (!is_uuid(stream_id) || !is_uuid(user_id)) return std::nullopt;
    auto rows = query("SELECT " + ban_columns(dialect_) +
                          " FROM nchat_stream_bans b WHERE b.stream_id = ? AND b.user_id = ?"
                          " AND (b.expires_at IS NULL OR b.expires_at > ?)",
                      {stream_id, user_id, time_value(now)});
    if (rows.empty()) return std::nullopt;
    return ban_from_row(rows.front());
}

std::vector<Ban> SqlStore::list_bans(const std::string& stream_id, Time now) {
    std::vector<Ban> out;
    if (!is_uuid(stream_id)) return out;
    auto rows = query("SELECT " + ban_columns(dialect_) +
                          " FROM nchat_stream_bans b WHERE b.stream_id = ?"
                          " AND (b.expires_at IS NULL OR b.expires_at > ?)"
                          " ORDER BY b.created_at DESC, b.user_id LIMIT 1000",
                      {stream_id, time_value(now)});
    for (const auto& r : rows)
        out.push_back(ban_from_row(r));
    return out;
}

void SqlStore::set_slow_mode(const std::string& stream_id, int seconds, Time at) {
    require_uuid("stream id", stream_id);
    execute(
        "INSERT INTO nchat_stream_chat_settings (stream_id, slow_mode_seconds, updated_at) "
        "VALUES (?, ?, ?) ON CONFLICT (stream_id) DO UPDATE SET "
        "slow_mode_seconds = excluded.slow_mode_seconds, updated_at = excluded.updated_at",
        {stream_id, std::int64_t{seconds}, time_value(at)});
}

int SqlStore::slow_mode(const std::string& stream_id) {
    if (!is_uuid(stream_id)) return 0;
    auto rows =
        query("SELECT slow_mode_seconds FROM nchat_stream_chat_settings WHERE stream_id = ?",
              {stream_id});
    if (rows.empty()) return 0;
    return static_cast<int>(int_at(rows.front(), 0));
}

void SqlStore::add_moderation_entry(const ModerationEntry& e) {
    require_uuid("stream id", e.stream_id);
    require_uuid("actor id", e.actor_id);
    if (e.target_user_id) require_uuid("target user id", *e.target_user_id);
    if (e.target_message_id) require_uuid("target message id", *e.target_message_id);
    execute(
        "INSERT INTO nchat_stream_moderation_log (stream_id, actor_id, actor_name, action, "
        "target_user_id, target_message_id, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {e.stream_id, e.actor_id, e.actor_name, e.action, text_value(e.target_user_id),
         text_value(e.target_message_id), e.details, time_value(e.created_at)});
}

std::vector<ModerationEntry> SqlStore::moderation_log(const std::string& stream_id,
                                                      std::int64_t limit,
                                                      std::int64_t offset) {
    std::vector<ModerationEntry> out;
    if (!is_uuid(stream_id)) return out;
    auto rows = query(
        "SELECT l.id, l.stream_id, l.actor_id, l.actor_name, l.action, l.target_user_id, "
        "l.target_message_id, l.details, " +
            time_column(dialect_, "l.created_at") +
            " FROM nchat_stream_moderation_log l WHERE l.stream_id = ?"
            " ORDER BY l.id DESC LIMIT ? OFFSET ?",
        {stream_id, clamp_limit(limit), clamp_offset(offset)});
    for (const auto& r : rows) {
        ModerationEntry e;
        e.id = int_at(r, 0);
        e.stream_id = text_at(r, 1);
        e.actor_id = text_at(r, 2);
        e.actor_name = text_at(r, 3);
        e.action = text_at(r, 4);
        e.target_user_id = opt_text_at(r, 5);
        e.target_message_id = opt_text_at(r, 6);
        e.details = text_at(r, 7);
        e.created_at = time_at(r, 8);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace nchat::store::detail
