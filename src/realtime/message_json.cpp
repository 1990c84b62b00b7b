#include "realtime/message_json.hpp"

#include "util/time.hpp"

namespace nchat::realtime {
namespace {

nlohmann::json opt(const std::optional<std::string>& s) {
    return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
}
nlohmann::json opt(const std::optional<util::Time>& t) {
    return t ? nlohmann::json(util::format_iso8601(*t)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json message_to_json(const store::ChatMessage& m, bool show_deleted) {
    nlohmann::json out = {{"id", m.id},
                          {"streamId", m.stream_id},
                          {"userId", m.user_id},
                          {"userName", m.user_name},
                          {"content", m.is_deleted && !show_deleted ? std::string() : m.content},
                          {"isPinned", m.is_pinned},
                          {"isDeleted", m.is_deleted},
                          {"isQuestion", m.is_question},
                          {"createdAt", util::format_iso8601(m.created_at)}};
    if (m.media_ms) out["mediaMs"] = *m.media_ms;
    return out;
}

nlohmann::json question_to_json(const store::Question& q) {
    const auto& m = q.message;
    nlohmann::json out = {{"id", m.id},
                          {"streamId", m.stream_id},
                          {"userId", m.user_id},
                          {"userName", m.user_name},
                          {"content", m.is_deleted ? std::string() : m.content},
                          {"status", store::to_string(q.status)},
                          {"votes", q.votes},
                          {"hasVoted", q.has_voted},
                          {"createdAt", util::format_iso8601(m.created_at)},
                          {"answeredAt", opt(q.answered_at)}};
    if (m.media_ms) out["mediaMs"] = *m.media_ms;
    return out;
}

nlohmann::json reaction_to_json(const store::Reaction& r) {
    return {{"id", r.id},
            {"streamId", r.stream_id},
            {"userId", opt(r.user_id)},
            {"emoji", r.emoji},
            {"positionX", r.position_x},
            {"positionY", r.position_y},
            {"createdAt", util::format_iso8601(r.created_at)}};
}

nlohmann::json ban_to_json(const store::Ban& b) {
    return {{"streamId", b.stream_id},        {"userId", b.user_id},
            {"bannedBy", b.banned_by},        {"reason", opt(b.reason)},
            {"expiresAt", opt(b.expires_at)}, {"createdAt", util::format_iso8601(b.created_at)}};
}

nlohmann::json moderation_entry_to_json(const store::ModerationEntry& e) {
    auto details = nlohmann::json::parse(e.details, nullptr, false);
    if (details.is_discarded()) details = nlohmann::json::object();
    return {{"id", e.id},
            {"streamId", e.stream_id},
            {"actorId", e.actor_id},
            {"actorName", e.actor_name},
            {"action", e.action},
            {"targetUserId", opt(e.target_user_id)},
            {"targetMessageId", opt(e.target_message_id)},
            {"details", std::move(details)},
            {"createdAt", util::format_iso8601(e.created_at)}};
}

}  // namespace nchat::realtime
