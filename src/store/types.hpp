#pragma once
// The rows the store reads and writes. Field names follow the product spec's columns
// (nchat_streams.*), in snake_case here and camelCase on the wire (api/).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/clock.hpp"

namespace nchat::store {

using util::Time;

enum class Role { admin, broadcaster, moderator, viewer };
enum class StreamStatus { scheduled, preparing, live, ended, cancelled };

std::string_view to_string(Role r);
std::optional<Role> parse_role(std::string_view s);
std::string_view to_string(StreamStatus s);
std::optional<StreamStatus> parse_stream_status(std::string_view s);

struct User {
    std::string id;  // UUID
    std::string name;
    Role role = Role::viewer;
    Time created_at{};
};

// A row of nchat_api_tokens, with its user.
struct ApiToken {
    std::string token_hash;  // SHA-256 hex; its first 16 characters are its public id
    User user;
    Time created_at{};
    std::optional<Time> last_used_at;  // kept to the minute (docs/api.md, API tokens)
};

// What DELETE /api/users/me removed (docs/api.md, "Your data").
struct UserDataDeleted {
    std::int64_t chat_messages = 0;  // with their questions and those questions' votes
    std::int64_t reactions = 0;
    std::int64_t viewer_sessions = 0;
    std::int64_t question_votes = 0;  // the user's votes on others' questions
    std::int64_t api_tokens = 0;
};

// What a retention sweep removed.
struct RetentionSwept {
    std::int64_t chat_messages = 0;
    std::int64_t reactions = 0;
    std::int64_t viewer_sessions = 0;
};

struct Stream {
    std::string id;  // UUID
    std::string channel_id;
    std::string broadcaster_id;
    std::string title;  // <= 200 code points
    std::optional<std::string> description;
    std::optional<std::string> thumbnail_url;
    std::optional<Time> scheduled_at;
    std::optional<Time> started_at;
    std::optional<Time> ended_at;
    StreamStatus status = StreamStatus::preparing;
    // The SHA-256 hex of the stream key (auth::hash_token), unique; the key itself is never
    // stored (migration 0004): it is shown once, when it is made.
    std::string stream_key_hash;
    std::string ingest_url;
    std::optional<std::string> hls_manifest_url;
    std::string max_resolution = "1080p";
    // The top rendition (issue 5): "auto", "passthrough" or "transcode"; empty: the server's.
    std::optional<std::string> top_rung;
    std::int64_t peak_viewer_count = 0;
    std::int64_t total_view_count = 0;
    std::int64_t total_chat_messages = 0;
    std::int64_t total_reactions = 0;
    bool enable_chat = true;
    bool enable_reactions = true;
    bool enable_qa = false;
    std::string chat_mode = "open";
    std::vector<std::string> tags;
    bool is_private = false;
    // Only the broadcaster, moderators and admins see who watches (product spec, Privacy).
    bool hide_viewer_list = false;
    Time created_at{};
    Time updated_at{};
};

// The mutable fields of PATCH /api/streams/{id}; an unset optional leaves the column alone.
// For nullable columns the inner optional says "set to NULL".
struct StreamPatch {
    std::optional<std::string> title;
    std::optional<std::optional<std::string>> description;
    std::optional<std::optional<std::string>> thumbnail_url;
    std::optional<std::optional<Time>> scheduled_at;
    std::optional<std::string> max_resolution;
    std::optional<std::optional<std::string>> top_rung;
    std::optional<bool> enable_chat;
    std::optional<bool> enable_reactions;
    std::optional<bool> enable_qa;
    std::optional<std::string> chat_mode;
    std::optional<std::vector<std::string>> tags;
    std::optional<bool> is_private;
    std::optional<bool> hide_viewer_list;
    // Set by the lifecycle (start/end/publish), not by PATCH.
    std::optional<StreamStatus> status;
    std::optional<std::optional<Time>> started_at;
    std::optional<std::optional<Time>> ended_at;
    std::optional<std::optional<std::string>> hls_manifest_url;
    std::optional<std::string> stream_key_hash;
};

struct StreamFilter {
    std::optional<StreamStatus> status;
    // Private streams are listed only for this user (their broadcaster, or granted access);
    // empty = anonymous. Admins pass include_all_private.
    std::string viewer_id;
    bool include_all_private = false;
    std::int64_t limit = 20;
    std::int64_t offset = 0;
};

struct LiveStreamRow {
    Stream stream;
    std::int64_t current_viewers = 0;  // from nchat_live_streams
};

// nchat_stream_chat_messages. Messages are never removed by moderation, only marked deleted.
struct ChatMessage {
    std::string id;  // UUID
    std::string stream_id;
    std::string user_id;
    std::string user_name;
    std::string content;  // sanitised and filtered before it gets here
    bool is_pinned = false;
    bool is_deleted = false;
    bool is_question = false;
    Time created_at{};
    // Where on the stream's recording it was said (docs/recording.md, "Media time"), when the
    // node knows: carried to its answer and event, not stored (it is mapped from created_at).
    std::optional<std::int64_t> media_ms;
};

enum class QuestionStatus { open, answered, dismissed };
std::string_view to_string(QuestionStatus s);
std::optional<QuestionStatus> parse_question_status(std::string_view s);

// A chat message sent as a question (nchat_stream_questions), as one voter sees it.
struct Question {
    ChatMessage message;
    QuestionStatus status = QuestionStatus::open;
    std::int64_t votes = 0;
    bool has_voted = false;  // by the user the question was read for
    std::optional<Time> answered_at;
};

// A wall-clock stretch [from, to): the seconds of a stream's recording that a replay asks for
// (docs/recording.md, "Media time").
struct TimeRange {
    Time from{};
    Time to{};
};
// How many ranges one query takes (a recording paused by that many publisher reconnects within
// the asked seconds is rare; the caller joins the rest).
inline constexpr std::size_t kMaxTimeRanges = 32;

// nchat_stream_reactions.
struct Reaction {
    std::string id;  // UUID
    std::string stream_id;
    std::optional<std::string> user_id;
    std::string emoji;
    double position_x = 0;  // 0-100
    double position_y = 0;
    Time created_at{};
};

// nchat_stream_bans: a user may not chat or react in the stream's room until expires_at (a
// timeout) or until unbanned (expires_at unset).
struct Ban {
    std::string stream_id;
    std::string user_id;
    std::string banned_by;
    std::optional<std::string> reason;
    std::optional<Time> expires_at;
    Time created_at{};
};

// nchat_stream_moderation_log: who did what to whom, when.
struct ModerationEntry {
    std::int64_t id = 0;  // assigned by the store, grows with time
    std::string stream_id;
    std::string actor_id;
    std::string actor_name;
    std::string action;  // delete_message, pin, unpin, clear_chat, ban, timeout, unban, ...
    std::optional<std::string> target_user_id;
    std::optional<std::string> target_message_id;
    std::string details = "{}";  // a JSON object
    Time created_at{};
};

// nchat_stream_viewers: one viewer's session in a stream's room (docs/realtime.md, Viewer counts).
struct ViewerSession {
    std::string id;  // UUID
    std::string stream_id;
    std::optional<std::string> user_id;  // unset: an anonymous connection
    std::string session_id;              // who recorded it: "<node>:<connection>"
    Time joined_at{};
    std::optional<Time> left_at;  // unset: still watching
    std::int64_t watch_seconds = 0;
};

// Whole seconds from `joined` to `left` (0 if the clock went back).
std::int64_t watch_seconds(Time joined, Time left);

// Viewer activity since the last batch, stored by Store::record_viewers in one transaction.
struct ViewerBatch {
    struct Left {
        std::string id;  // a session stored open by an earlier batch
        Time left_at{};
        std::int64_t watch_seconds = 0;
    };
    std::vector<ViewerSession> started;  // new sessions (left_at set if they ended meanwhile)
    // Sessions stored closed whose viewer came back within the rejoin window: open again (the
    // same row, no new view). Applied before `left`, which may close them again.
    std::vector<std::string> rejoined;
    std::vector<Left> left;
    std::vector<std::pair<std::string, std::int64_t>> peaks;  // stream, viewers seen at once
    bool empty() const {
        return started.empty() && rejoined.empty() && left.empty() && peaks.empty();
    }
};

// A row of nchat_channel_{moderators,followers,subscribers}.
struct ChannelMember {
    std::string user_id;
    Time created_at{};
};

}  // namespace nchat::store
