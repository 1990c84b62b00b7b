#pragma once
// realtime::Service: the rules of a stream's room — chat, reactions, Q&A, moderation — shared by
// the REST routes (api/chat_routes.cpp …) and the WebSocket rooms (realtime/ws). docs/chat.md
// explains every limit and mode.
//
// Threads: every method is a coroutine that runs on the caller's executor (its strand) and
// awaits the store (store::Database) for what it reads and writes; none blocks. The in-memory
// parts (rate limits, slow mode, the reaction queue) are guarded by mutexes of their own, so any
// strand may call. Events go to the EventBus after the change is stored; chat.message events
// are published in the order the messages were stored (the order of list_chat and chat_since).
//
// Failures: a rule that says no throws realtime::Refusal (errors.hpp). An overloaded store is a
// Refusal (503 unavailable); other storage failures propagate as store::StoreError.
//
// JSON objects returned and published (camelCase, docs/chat.md):
//   message   {id, streamId, userId, userName, content, isPinned, isDeleted, isQuestion,
//              createdAt}
//   reaction  {id, streamId, userId, emoji, positionX, positionY, createdAt}
//   question  {id, streamId, userId, userName, content, status, votes, hasVoted, createdAt,
//              answeredAt}   (id = the chat message's id)
//   ban       {streamId, userId, bannedBy, reason, expiresAt (null = permanent), createdAt}
//   log entry {id, streamId, actorId, actorName, action, targetUserId, targetMessageId,
//              details, createdAt}
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "auth/permissions.hpp"
#include "realtime/errors.hpp"
#include "realtime/events.hpp"
#include "store/types.hpp"

namespace nchat::store {
class Database;
}
namespace nchat::util {
class Clock;
}

namespace nchat::realtime {

namespace net = boost::asio;

enum class ProfanityMode { mask, reject };

struct RateLimit {
    double per_second = 3;  // refill rate
    double burst = 3;       // bucket size: how many may come at once
};

struct ServiceConfig {
    // The server's switches (--stream-chat, --stream-reactions): off refuses every message
    // (chat_disabled) or reaction (reactions_disabled), whatever the stream says.
    bool chat_enabled = true;
    bool reactions_enabled = true;
    RateLimit chat{3, 3};
    RateLimit reactions{5, 5};
    std::size_t max_content = 500;  // code points, after trimming
    // Words matched through case, repeated letters and common substitutions (0→o, 4/@→a, …).
    // Empty: the filter is off. Default: a short built-in list (profanity.hpp).
    std::vector<std::string> profanity_words;
    bool profanity_builtin = true;  // add the built-in list to profanity_words
    ProfanityMode profanity_mode = ProfanityMode::mask;
    int max_slow_mode_seconds = 3600;
    // Bounded memory: rate-limit buckets and slow-mode entries kept at most (idle ones go first).
    std::size_t max_tracked_senders = 100'000;
    // Reactions (and viewer sessions) are stored in batches: every interval, or sooner when
    // this many reactions wait. A transaction holds at most a batch of rows.
    std::chrono::milliseconds reaction_flush_interval{1000};
    std::size_t reaction_batch = 500;
    // Reactions waiting for storage beyond this are dropped (still broadcast) and counted.
    std::size_t max_pending_reactions = 50'000;
};

// Counters for /metrics and tests.
struct ServiceStats {
    std::uint64_t messages = 0;           // chat messages stored
    std::uint64_t reactions = 0;          // reactions accepted
    std::uint64_t reactions_stored = 0;   // reactions written to the store
    std::uint64_t reactions_dropped = 0;  // not stored: the queue was full or storage failed
    std::uint64_t refusals = 0;
};

class ViewerSessions;
class SharedLimits;

class Service {
public:
    Service(store::Database& db, util::Clock& clock, EventBus& bus, ServiceConfig cfg);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    // Viewer sessions to store with the reactions (docs/realtime.md, Viewer counts); before
    // start(). Not owned; outlives this.
    void record_viewers(ViewerSessions& sessions);
    // Starts the periodic flush on `ex` (optional: without it, flush() stores them).
    void start(net::any_io_executor ex);
    // Stores the reactions and viewer sessions waiting now (a stream's end calls it first, so
    // its counters are exact). flush_sync: blocking, for shutdown after the network threads
    // stopped (before Database::stop()); ends this node's open viewer sessions and stops the
    // periodic flush.
    net::awaitable<void> flush();
    void flush_sync();

    // ---- chat ----
    // Sends a message (or a question, with Q&A on). Publishes chat.message (and qa.question).
    // Refusals: validation_failed (content, 1–max_content code points after trimming and
    // dropping control characters), profanity (reject mode), not_found, chat_disabled,
    // followers_only, subscribers_only, qa_disabled, banned (Retry-After for a timeout),
    // stream_ended (409), slow_mode (429), rate_limited (429).
    net::awaitable<nlohmann::json> send_chat(auth::Principal who,
                                             std::string stream_id,
                                             std::string content,
                                             bool as_question = false);
    // One page of the chat, newest last: skips the `offset` newest, returns the `limit`
    // (1–100) before them, oldest first. Deleted messages only with include_deleted, which is
    // for moderators (forbidden otherwise).
    net::awaitable<nlohmann::json> list_chat(std::optional<auth::Principal> who,
                                             std::string stream_id,
                                             int limit,
                                             int offset,
                                             bool include_deleted = false);
    // Resume: the messages stored after `last_message_id`, oldest first, at most `limit`
    // (1–500; call again from the last one returned for more). Deleted messages are left out.
    // An id not in this stream's chat: not_found (field lastMessageId).
    net::awaitable<std::vector<nlohmann::json>> chat_since(std::optional<auth::Principal> who,
                                                           std::string stream_id,
                                                           std::string last_message_id,
                                                           int limit);

    // ---- reactions ----
    // Positions 0–100; absent x is random, absent y is 0. Publishes `reaction`; stored in
    // batches. Refusals: validation_failed (emoji: one emoji grapheme; positions),
    // reactions_disabled, banned, stream_ended, rate_limited, not_found.
    net::awaitable<nlohmann::json> react(auth::Principal who,
                                         std::string stream_id,
                                         std::string emoji,
                                         std::optional<double> x,
                                         std::optional<double> y);

    // ---- moderation: the broadcaster, the channel's moderators, admins and global moderators;
    // everyone else is forbidden. Each action is written to the moderation log. ----
    // Publishes chat.deleted {messageId, deletedBy}. Deleting a deleted message changes nothing.
    net::awaitable<void> delete_message(auth::Principal who,
                                        std::string stream_id,
                                        std::string message_id);
    // One pinned message per stream: pinning unpins the previous one. Publishes chat.pinned
    // {message}. A deleted message cannot be pinned (wrong_state).
    net::awaitable<nlohmann::json> pin(auth::Principal who,
                                       std::string stream_id,
                                       std::string message_id);
    // Publishes chat.unpinned {messageId}.
    net::awaitable<void> unpin(auth::Principal who, std::string stream_id, std::string message_id);
    // Deletes every message of the stream (questions included). Publishes chat.cleared
    // {clearedBy, count}. Returns how many were deleted.
    net::awaitable<std::int64_t> clear_chat(auth::Principal who, std::string stream_id);
    // A timeout when duration_seconds is given (1 s – 14 days), else a ban until unban. Banning
    // again replaces the previous ban. The broadcaster, admins and moderators cannot be banned
    // (forbidden). Publishes `moderation` {action: "ban"|"timeout", expiresAt, reason} to the
    // target user only. Returns the ban.
    net::awaitable<nlohmann::json> ban(auth::Principal who,
                                       std::string stream_id,
                                       std::string user_id,
                                       std::optional<int> duration_seconds,
                                       std::optional<std::string> reason = std::nullopt);
    // Publishes `moderation` {action: "unban"} to the user. Unbanning a user who is not banned
    // changes nothing (no log entry).
    net::awaitable<void> unban(auth::Principal who, std::string stream_id, std::string user_id);
    // Active bans and timeouts of the stream, newest first.
    net::awaitable<nlohmann::json> list_bans(auth::Principal who, std::string stream_id);
    // 0 = off; at most max_slow_mode_seconds. Publishes chat.settings {slowModeSeconds}.
    net::awaitable<void> set_slow_mode(auth::Principal who, std::string stream_id, int seconds);
    // Anyone who may view the stream.
    net::awaitable<int> slow_mode(std::optional<auth::Principal> who, std::string stream_id);
    // Newest first; for moderators.
    net::awaitable<nlohmann::json> moderation_log(auth::Principal who,
                                                  std::string stream_id,
                                                  int limit,
                                                  int offset);

    // ---- Q&A ----
    // By votes (most first), then oldest first. status: "open", "answered", "dismissed" or
    // nullopt for all. Deleted questions are left out.
    net::awaitable<nlohmann::json> list_questions(std::optional<auth::Principal> who,
                                                  std::string stream_id,
                                                  std::optional<std::string> status,
                                                  int limit,
                                                  int offset);
    // One vote per user: voting again changes nothing (idempotent, no event); up = false takes
    // the vote back. Only open questions of a stream that has not ended (wrong_state,
    // stream_ended). Publishes qa.updated {question} when the count changed.
    net::awaitable<nlohmann::json> vote_question(auth::Principal who,
                                                 std::string stream_id,
                                                 std::string question_id,
                                                 bool up = true);
    // "open", "answered" or "dismissed"; moderators only. Publishes qa.updated {question}.
    net::awaitable<nlohmann::json> set_question_status(auth::Principal who,
                                                       std::string stream_id,
                                                       std::string question_id,
                                                       std::string status);

    // ---- rooms ----
    // May `who` see this stream (and join its room)? Public: anyone. Private: its broadcaster,
    // admins and users granted access. Otherwise not_found (a private stream is not revealed).
    net::awaitable<void> check_can_view(std::optional<auth::Principal> who, std::string stream_id);
    // The lifecycle moved a stream (POST /start, /end, RTMP go-live or publisher gone):
    // publishes stream.status {status}. Thread-safe, never blocks.
    void stream_status_changed(const std::string& stream_id, store::StreamStatus status);
    // Several nodes: the chat and reaction rate limits are counted for every node at once.
    // Before the first request.
    void share_limits(SharedLimits* shared);
    // Media time (docs/recording.md, "Media time"): where on the stream's recorded timeline a
    // wall-clock instant falls, when this node records the stream (nullopt otherwise). Set, the
    // room's events (chat.message, reaction, the moderation events …) and the answers to
    // send_chat and react carry it as `mediaMs`, so a replay shows them at their moment. Called
    // on any strand, for every message and reaction: must be cheap and thread-safe. Before
    // start().
    using MediaClock =
        std::function<std::optional<std::int64_t>(const std::string& stream_id, util::Time at)>;
    void set_media_clock(MediaClock clock);
    // `user_id` may no longer see the private stream (DELETE .../access/{userId}): publishes
    // access.revoked {userId} to that user only, on every node. Thread-safe, never blocks.
    void access_revoked(const std::string& stream_id, const std::string& user_id);
    // An event of the room, for one user only when `user_id` is given (its broadcaster:
    // `stream.warning` before the server ends a stream at --max-stream-duration), else for
    // everyone in it (`stream.reminder` when a scheduled stream's time comes). Thread-safe,
    // never blocks.
    void notify(const std::string& stream_id,
                std::optional<std::string> user_id,
                std::string type,
                nlohmann::json data);

    ServiceStats stats() const;

    struct Impl;  // the parts (service_*.cpp, detail/)

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace nchat::realtime
