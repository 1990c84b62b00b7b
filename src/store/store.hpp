#pragma once
// The storage interface. One Store object is one connection: it is NOT thread-safe and its
// calls block. Network code never calls it directly; it goes through store::Database
// (database.hpp), which runs calls on the storage threads and resumes the caller's strand.
//
// Control plane: failures throw store::StoreError (a message naming the operation); a
// unique-constraint violation throws store::Conflict.
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/types.hpp"

namespace nchat::store {

struct StoreError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct Conflict : StoreError {
    using StoreError::StoreError;
};
// The storage lane already holds its max_queue jobs: nothing was done; the caller may retry
// shortly (the API answers 503 with Retry-After). A type, so that no one reads it from a message.
struct Overloaded : StoreError {
    Overloaded() : StoreError("storage overloaded") {}
};

class Store {
public:
    virtual ~Store() = default;

    // Applies pending numbered migrations in one transaction each; returns how many ran.
    virtual int migrate() = 0;
    // "sqlite" or "postgres".
    virtual std::string_view backend() const = 0;

    // Users and API tokens (tokens are stored as SHA-256 hex hashes only).
    virtual void create_user(const User& u) = 0;
    virtual std::optional<User> get_user(const std::string& id) = 0;
    virtual std::int64_t count_users() = 0;
    virtual void add_api_token(const std::string& user_id,
                               const std::string& token_hash,
                               Time created_at) = 0;
    virtual std::optional<User> user_by_token_hash(const std::string& token_hash) = 0;
    // The token with its user and last use; nullopt when unknown (or revoked).
    virtual std::optional<ApiToken> api_token(const std::string& token_hash) = 0;
    virtual void touch_api_token(const std::string& token_hash, Time at) = 0;
    // The user's tokens, oldest first.
    virtual std::vector<ApiToken> list_api_tokens(const std::string& user_id) = 0;
    // Revokes the user's token whose hash starts with `id` (16 hex characters); false when none.
    virtual bool delete_api_token(const std::string& user_id, const std::string& id) = 0;

    // Data protection (issue 17). Removes, in one transaction, what the store keeps about the
    // user as a viewer: chat messages (their questions and votes go with them), reactions,
    // viewer sessions, votes, channel relations, access grants, API tokens and the user row.
    // Streams they broadcast and the counters of streams stay.
    virtual UserDataDeleted delete_user_data(const std::string& user_id) = 0;
    // Deletes chat messages and reactions created before `before`, and viewer sessions that
    // ended before it (open ones stay).
    virtual RetentionSwept sweep_before(Time before) = 0;

    // Streams.
    virtual void create_stream(const Stream& s) = 0;  // Conflict on a duplicate stream_key_hash
    virtual std::optional<Stream> get_stream(const std::string& id) = 0;
    // By the SHA-256 hex of its key (auth::hash_token): the key itself is not stored.
    virtual std::optional<Stream> stream_by_key_hash(const std::string& key_hash) = 0;
    // Applies the patch (and updated_at = now) and returns the row after it, or nullopt when
    // no such stream. When `expected_status` is given the update happens only if the row
    // still has one of those statuses (compare-and-set for lifecycle transitions); if not,
    // the current row is returned unchanged and *applied is set to false.
    // Moving a stream to ended or cancelled also closes its open viewer sessions
    // (close_viewer_sessions at its ended_at, or `now`), in the same transaction.
    virtual std::optional<Stream> update_stream(const std::string& id,
                                                const StreamPatch& patch,
                                                Time now,
                                                const std::vector<StreamStatus>& expected_status,
                                                bool* applied) = 0;
    virtual bool delete_stream(const std::string& id) = 0;
    // The broadcaster's streams not ended nor cancelled (scheduled, preparing, live): what the
    // creation quota counts.
    virtual std::int64_t count_open_streams(const std::string& broadcaster_id) = 0;
    virtual std::vector<Stream> list_streams(const StreamFilter& f) = 0;
    // From the views nchat_live_streams and nchat_top_streams (public streams only).
    virtual std::vector<LiveStreamRow> live_streams(std::int64_t limit, std::int64_t offset) = 0;
    virtual std::vector<Stream> top_streams(std::int64_t limit) = 0;

    // Access to private streams.
    virtual void grant_stream_access(const std::string& stream_id,
                                     const std::string& user_id,
                                     Time at) = 0;
    virtual void revoke_stream_access(const std::string& stream_id, const std::string& user_id) = 0;
    virtual bool has_stream_access(const std::string& stream_id, const std::string& user_id) = 0;

    // Channel relations (for chat modes; synced by the chat application).
    enum class Relation { moderator, follower, subscriber };
    virtual void add_channel_relation(Relation r,
                                      const std::string& channel_id,
                                      const std::string& user_id,
                                      Time at) = 0;
    virtual void remove_channel_relation(Relation r,
                                         const std::string& channel_id,
                                         const std::string& user_id) = 0;
    virtual bool has_channel_relation(Relation r,
                                      const std::string& channel_id,
                                      const std::string& user_id) = 0;
    // Oldest first.
    virtual std::vector<ChannelMember> list_channel_relation(Relation r,
                                                             const std::string& channel_id,
                                                             std::int64_t limit,
                                                             std::int64_t offset) = 0;

    // Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    // Store methods called inside join it instead of opening their own.
    virtual void transaction(const std::function<void()>& body) = 0;

    // Chat (issue 6; docs/chat.md). Messages of a stream are ordered by the order they were
    // stored (a sequence number of the store), which list and resume follow.
    // Stores the messages in order, in one transaction, with their questions
    // (is_question) and the streams' total_chat_messages counters.
    virtual void insert_chat_messages(const std::vector<ChatMessage>& batch) = 0;
    virtual std::optional<ChatMessage> get_chat_message(const std::string& stream_id,
                                                        const std::string& id) = 0;
    // The `limit` messages before the `offset` newest, oldest first (newest last).
    virtual std::vector<ChatMessage> list_chat(const std::string& stream_id,
                                               std::int64_t limit,
                                               std::int64_t offset,
                                               bool include_deleted) = 0;
    // Messages stored after `after_id`, oldest first, deleted ones left out; nullopt when
    // `after_id` is not a message of this stream.
    virtual std::optional<std::vector<ChatMessage>> chat_after(const std::string& stream_id,
                                                               const std::string& after_id,
                                                               std::int64_t limit) = 0;
    // Messages created within any of `ranges` (at most kMaxTimeRanges), deleted ones left out,
    // in stored order, at most `limit`: the chat of some seconds of a recording.
    virtual std::vector<ChatMessage> chat_between(const std::string& stream_id,
                                                  const std::vector<TimeRange>& ranges,
                                                  std::int64_t limit) = 0;
    // Marks it deleted (and unpinned); false when there is no such message or it was deleted.
    virtual bool delete_chat_message(const std::string& stream_id,
                                     const std::string& id,
                                     const std::string& deleted_by,
                                     Time at) = 0;
    // Pins it and unpins any other message of the stream; false when no such live message.
    virtual bool pin_chat_message(const std::string& stream_id, const std::string& id) = 0;
    // false when it was not pinned.
    virtual bool unpin_chat_message(const std::string& stream_id, const std::string& id) = 0;
    // Marks every message of the stream deleted; returns how many were not yet.
    virtual std::int64_t clear_chat(const std::string& stream_id,
                                    const std::string& deleted_by,
                                    Time at) = 0;

    // Viewer sessions (nchat_stream_viewers) and the view counters of their streams, in one
    // transaction: rejoined sessions opened again (unless their stream ended), left sessions
    // closed (those still open), then per stream
    // total_view_count += its started sessions, peak_viewer_count = max(peak, its peak), and
    // its started sessions inserted. A stream that ended, was cancelled or is gone takes none of
    // it: its counters stay what they were at its end. Returns how many sessions were inserted.
    virtual std::int64_t record_viewers(const ViewerBatch& batch) = 0;
    // Sets left_at = `at` (and watch_seconds) on the stream's sessions still open; returns how
    // many.
    virtual std::int64_t close_viewer_sessions(const std::string& stream_id, Time at) = 0;
    // The signed-in users watching now (open sessions), earliest first, one entry per user.
    virtual std::vector<ViewerSession> current_viewers(const std::string& stream_id,
                                                       std::int64_t limit,
                                                       std::int64_t offset) = 0;
    // Oldest first.
    virtual std::vector<ViewerSession> list_viewer_sessions(const std::string& stream_id,
                                                            std::int64_t limit,
                                                            std::int64_t offset) = 0;

    // Reactions: stored in order, in one transaction, with total_reactions.
    virtual void insert_reactions(const std::vector<Reaction>& batch) = 0;
    // The `limit` newest, newest last.
    virtual std::vector<Reaction> recent_reactions(const std::string& stream_id,
                                                   std::int64_t limit) = 0;
    // Reactions made within any of `ranges` (at most kMaxTimeRanges), oldest first, at most
    // `limit`.
    virtual std::vector<Reaction> reactions_between(const std::string& stream_id,
                                                    const std::vector<TimeRange>& ranges,
                                                    std::int64_t limit) = 0;

    // Q&A. `voter_id` (may be empty) decides Question::has_voted.
    virtual std::optional<Question> get_question(const std::string& stream_id,
                                                 const std::string& id,
                                                 const std::string& voter_id) = 0;
    // Most votes first, then oldest first; deleted questions left out.
    virtual std::vector<Question> list_questions(const std::string& stream_id,
                                                 std::optional<QuestionStatus> status,
                                                 const std::string& voter_id,
                                                 std::int64_t limit,
                                                 std::int64_t offset) = 0;
    // true when the vote was added (false: it was there already).
    virtual bool add_question_vote(const std::string& question_id,
                                   const std::string& user_id,
                                   Time at) = 0;
    // true when a vote was removed.
    virtual bool remove_question_vote(const std::string& question_id,
                                      const std::string& user_id) = 0;
    // answered_at is set when it becomes answered (cleared otherwise); false when no such
    // question.
    virtual bool set_question_status(const std::string& stream_id,
                                     const std::string& id,
                                     QuestionStatus status,
                                     Time at) = 0;

    // Bans and timeouts. put_ban replaces the user's previous ban in the stream.
    virtual void put_ban(const Ban& b) = 0;
    virtual bool remove_ban(const std::string& stream_id, const std::string& user_id) = 0;
    // The ban in force at `now` (an expired timeout is none).
    virtual std::optional<Ban> active_ban(const std::string& stream_id,
                                          const std::string& user_id,
                                          Time now) = 0;
    // Newest first.
    virtual std::vector<Ban> list_bans(const std::string& stream_id, Time now) = 0;

    // Slow mode: seconds between two messages of one user; 0 = off (also when never set).
    virtual void set_slow_mode(const std::string& stream_id, int seconds, Time at) = 0;
    virtual int slow_mode(const std::string& stream_id) = 0;

    // The moderation log; `e.id` is ignored (assigned). Newest first.
    virtual void add_moderation_entry(const ModerationEntry& e) = 0;
    virtual std::vector<ModerationEntry> moderation_log(const std::string& stream_id,
                                                        std::int64_t limit,
                                                        std::int64_t offset) = 0;
};

// Opens one connection. `url` is "sqlite:PATH" (":memory:" allowed) or "postgres://…" /
// "postgresql://…". Throws StoreError when it cannot connect.
std::unique_ptr<Store> open_store(const std::string& url);

}  // namespace nchat::store
