#pragma once
// The storage interface. One Store object is one connection: it is NOT thread-safe and its
// calls block. Network code never calls it directly; it goes through store::Database
// (database.hpp), which runs calls on the storage threads and resumes the caller's strand.
//
// Control plane: failures throw store::StoreError (a message naming the operation); a
// unique-constraint violation throws store::Conflict.
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

    // Streams.
    virtual void create_stream(const Stream& s) = 0;  // Conflict on a duplicate stream_key
    virtual std::optional<Stream> get_stream(const std::string& id) = 0;
    virtual std::optional<Stream> stream_by_key(const std::string& stream_key) = 0;
    // Applies the patch (and updated_at = now) and returns the row after it, or nullopt when
    // no such stream. When `expected_status` is given the update happens only if the row
    // still has one of those statuses (compare-and-set for lifecycle transitions); if not,
    // the current row is returned unchanged and *applied is set to false.
    virtual std::optional<Stream> update_stream(const std::string& id,
                                                const StreamPatch& patch,
                                                Time now,
                                                const std::vector<StreamStatus>& expected_status,
                                                bool* applied) = 0;
    virtual bool delete_stream(const std::string& id) = 0;
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
};

// Opens one connection. `url` is "sqlite:PATH" (":memory:" allowed) or "postgres://…" /
// "postgresql://…". Throws StoreError when it cannot connect.
std::unique_ptr<Store> open_store(const std::string& url);

}  // namespace nchat::store
