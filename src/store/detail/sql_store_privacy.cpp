// SqlStore: data protection (issue 17; docs/api.md, "Your data"): a user's rows deleted at
// their request, and the retention sweep of chat, reactions and viewer sessions.
#include "store/detail/sql_store.hpp"

namespace nchat::store::detail {

UserDataDeleted SqlStore::delete_user_data(const std::string& user_id) {
    UserDataDeleted out;
    if (!is_uuid(user_id)) return out;
    transaction([&] {
        // Their votes on others' questions: the count kept beside each question goes down too.
        execute(
            "UPDATE nchat_stream_questions SET votes = votes - 1 WHERE message_id IN"
            " (SELECT message_id FROM nchat_stream_question_votes WHERE user_id = ?)",
            {user_id});
        out.question_votes =
            execute("DELETE FROM nchat_stream_question_votes WHERE user_id = ?", {user_id});
        // Their messages, and with them (ON DELETE CASCADE) their questions and those votes.
        out.chat_messages =
            execute("DELETE FROM nchat_stream_chat_messages WHERE user_id = ?", {user_id});
        out.reactions = execute("DELETE FROM nchat_stream_reactions WHERE user_id = ?", {user_id});
        out.viewer_sessions =
            execute("DELETE FROM nchat_stream_viewers WHERE user_id = ?", {user_id});
        for (const char* table : {"nchat_channel_followers", "nchat_channel_subscribers",
                                  "nchat_channel_moderators", "nchat_stream_access"}) {
            execute(std::string("DELETE FROM ") + table + " WHERE user_id = ?", {user_id});
        }
        out.api_tokens = execute("DELETE FROM nchat_api_tokens WHERE user_id = ?", {user_id});
        execute("DELETE FROM nchat_users WHERE id = ?", {user_id});
    });
    return out;
}

RetentionSwept SqlStore::sweep_before(Time before) {
    RetentionSwept out;
    const auto t = time_value(before);
    // One statement each over an index on the time; the counters of the streams stay.
    out.chat_messages = execute("DELETE FROM nchat_stream_chat_messages WHERE created_at < ?", {t});
    out.reactions = execute("DELETE FROM nchat_stream_reactions WHERE created_at < ?", {t});
    out.viewer_sessions =
        execute("DELETE FROM nchat_stream_viewers WHERE left_at IS NOT NULL AND left_at < ?", {t});
    return out;
}

}  // namespace nchat::store::detail
