#pragma once
// The JSON objects of the room, one shape for REST answers and WebSocket events (docs/chat.md):
// camelCase, every field present (null when unset), times ISO 8601 UTC with milliseconds.
#include <nlohmann/json.hpp>

#include "store/types.hpp"

namespace nchat::realtime {

// {id, streamId, userId, userName, content, isPinned, isDeleted, isQuestion, createdAt}.
// A deleted message's content is "" unless `show_deleted` (moderators).
nlohmann::json message_to_json(const store::ChatMessage& m, bool show_deleted = false);
// {id, streamId, userId, userName, content, status, votes, hasVoted, createdAt, answeredAt}.
nlohmann::json question_to_json(const store::Question& q);
// {id, streamId, userId, emoji, positionX, positionY, createdAt}.
nlohmann::json reaction_to_json(const store::Reaction& r);
// {streamId, userId, bannedBy, reason, expiresAt, createdAt}.
nlohmann::json ban_to_json(const store::Ban& b);
// {id, streamId, actorId, actorName, action, targetUserId, targetMessageId, details, createdAt}.
nlohmann::json moderation_entry_to_json(const store::ModerationEntry& e);

}  // namespace nchat::realtime
