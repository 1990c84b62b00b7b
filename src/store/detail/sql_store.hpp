#pragma once
// The queries of store::Store written once for both SQL dialects. A backend supplies the
// driver: running one statement with `?` placeholders, a migration script, and the lock that
// serializes migrators. Backends throw Conflict on a unique violation, StoreError otherwise.
#include <string>
#include <vector>

#include "store/detail/sql_value.hpp"
#include "store/detail/stream_row.hpp"
#include "store/store.hpp"

namespace nchat::store::detail {

class SqlStore : public Store {
public:
    int migrate() override;

    void create_user(const User& u) override;
    std::optional<User> get_user(const std::string& id) override;
    std::int64_t count_users() override;
    void add_api_token(const std::string& user_id,
                       const std::string& token_hash,
                       Time created_at) override;
    std::optional<User> user_by_token_hash(const std::string& token_hash) override;
    std::optional<ApiToken> api_token(const std::string& token_hash) override;
    void touch_api_token(const std::string& token_hash, Time at) override;
    std::vector<ApiToken> list_api_tokens(const std::string& user_id) override;
    bool delete_api_token(const std::string& user_id, const std::string& id) override;

    // sql_store_privacy.cpp
    UserDataDeleted delete_user_data(const std::string& user_id) override;
    RetentionSwept sweep_before(Time before) override;

    void create_stream(const Stream& s) override;
    std::optional<Stream> get_stream(const std::string& id) override;
    std::optional<Stream> stream_by_key_hash(const std::string& key_hash) override;
    std::optional<Stream> update_stream(const std::string& id,
                                        const StreamPatch& patch,
                                        Time now,
                                        const std::vector<StreamStatus>& expected_status,
                                        bool* applied) override;
    bool delete_stream(const std::string& id) override;
    std::int64_t count_open_streams(const std::string& broadcaster_id) override;
    std::vector<Stream> list_streams(const StreamFilter& f) override;
    std::vector<LiveStreamRow> live_streams(std::int64_t limit, std::int64_t offset) override;
    std::vector<Stream> top_streams(std::int64_t limit) override;

    void grant_stream_access(const std::string& stream_id,
                             const std::string& user_id,
                             Time at) override;
    void revoke_stream_access(const std::string& stream_id, const std::string& user_id) override;
    bool has_stream_access(const std::string& stream_id, const std::string& user_id) override;

    void add_channel_relation(Relation r,
                              const std::string& channel_id,
                              const std::string& user_id,
                              Time at) override;
    void remove_channel_relation(Relation r,
                                 const std::string& channel_id,
                                 const std::string& user_id) override;
    bool has_channel_relation(Relation r,
                              const std::string& channel_id,
                              const std::string& user_id) override;
    std::vector<ChannelMember> list_channel_relation(Relation r,
                                                     const std::string& channel_id,
                                                     std::int64_t limit,
                                                     std::int64_t offset) override;

    void transaction(const std::function<void()>& body) override;

    // sql_store_chat.cpp
    void insert_chat_messages(const std::vector<ChatMessage>& batch) override;
    std::optional<ChatMessage> get_chat_message(const std::string& stream_id,
                                                const std::string& id) override;
    std::vector<ChatMessage> list_chat(const std::string& stream_id,
                                       std::int64_t limit,
                                       std::int64_t offset,
                                       bool include_deleted) override;
    std::optional<std::vector<ChatMessage>> chat_after(const std::string& stream_id,
                                                       const std::string& after_id,
                                                       std::int64_t limit) override;
    std::vector<ChatMessage> chat_between(const std::string& stream_id,
                                          const std::vector<TimeRange>& ranges,
                                          std::int64_t limit) override;
    bool delete_chat_message(const std::string& stream_id,
                             const std::string& id,
                             const std::string& deleted_by,
                             Time at) override;
    bool pin_chat_message(const std::string& stream_id, const std::string& id) override;
    bool unpin_chat_message(const std::string& stream_id, const std::string& id) override;
    std::int64_t clear_chat(const std::string& stream_id,
                            const std::string& deleted_by,
                            Time at) override;
    void insert_reactions(const std::vector<Reaction>& batch) override;
    std::vector<Reaction> recent_reactions(const std::string& stream_id,
                                           std::int64_t limit) override;
    std::vector<Reaction> reactions_between(const std::string& stream_id,
                                            const std::vector<TimeRange>& ranges,
                                            std::int64_t limit) override;

    // sql_store_viewers.cpp
    std::int64_t record_viewers(const ViewerBatch& batch) override;
    std::int64_t close_viewer_sessions(const std::string& stream_id, Time at) override;
    std::vector<ViewerSession> current_viewers(const std::string& stream_id,
                                               std::int64_t limit,
                                               std::int64_t offset) override;
    std::vector<ViewerSession> list_viewer_sessions(const std::string& stream_id,
                                                    std::int64_t limit,
                                                    std::int64_t offset) override;

    // sql_store_moderation.cpp
    std::optional<Question> get_question(const std::string& stream_id,
                                         const std::string& id,
                                         const std::string& voter_id) override;
    std::vector<Question> list_questions(const std::string& stream_id,
                                         std::optional<QuestionStatus> status,
                                         const std::string& voter_id,
                                         std::int64_t limit,
                                         std::int64_t offset) override;
    bool add_question_vote(const std::string& question_id,
                           const std::string& user_id,
                           Time at) override;
    bool remove_question_vote(const std::string& question_id, const std::string& user_id) override;
    bool set_question_status(const std::string& stream_id,
                             const std::string& id,
                             QuestionStatus status,
                             Time at) override;
    void put_ban(const Ban& b) override;
    bool remove_ban(const std::string& stream_id, const std::string& user_id) override;
    std::optional<Ban> active_ban(const std::string& stream_id,
                                  const std::string& user_id,
                                  Time now) override;
    std::vector<Ban> list_bans(const std::string& stream_id, Time now) override;
    void set_slow_mode(const std::string& stream_id, int seconds, Time at) override;
    int slow_mode(const std::string& stream_id) override;
    void add_moderation_entry(const ModerationEntry& e) override;
    std::vector<ModerationEntry> moderation_log(const std::string& stream_id,
                                                std::int64_t limit,
                                                std::int64_t offset) override;

protected:
    explicit SqlStore(Dialect d) : dialect_(d) {}

    // One statement, `?` placeholders; returns its rows as text.
    virtual Rows query(const std::string& sql, const std::vector<Value>& params) = 0;
    // One statement; returns the number of rows it changed.
    virtual std::int64_t execute(const std::string& sql, const std::vector<Value>& params) = 0;
    // Several statements, no parameters (a migration file).
    virtual void execute_script(const std::string& sql) = 0;
    // Opens the transaction of one migration step, exclusive against every other migrator of
    // the same database (other processes included) until COMMIT/ROLLBACK.
    virtual void begin_migration() = 0;

private:
    bool migrate_one(int version, std::string_view name, std::string_view sql);
    std::optional<Stream> one_stream(const std::string& where_column, const std::string& value);

    std::vector<Question> questions_where(const std::string& where,
                                          std::vector<Value> params,
                                          const std::string& voter_id);

    Dialect dialect_;
    int transaction_depth_ = 0;
};

// Bounds a page the caller did not validate; the database would reject a negative LIMIT.
std::int64_t clamp_limit(std::int64_t v);
std::int64_t clamp_offset(std::int64_t v);

// A chat message's select list over `nchat_stream_chat_messages m` (kChatColumns columns, in
// the order chat_from_row reads them).
std::string chat_columns(Dialect d);
inline constexpr std::size_t kChatColumns = 9;
ChatMessage chat_from_row(const Row& r);

}  // namespace nchat::store::detail
