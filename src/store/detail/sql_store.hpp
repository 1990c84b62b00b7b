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

    void create_stream(const Stream& s) override;
    std::optional<Stream> get_stream(const std::string& id) override;
    std::optional<Stream> stream_by_key(const std::string& stream_key) override;
    std::optional<Stream> update_stream(const std::string& id,
                                        const StreamPatch& patch,
                                        Time now,
                                        const std::vector<StreamStatus>& expected_status,
                                        bool* applied) override;
    bool delete_stream(const std::string& id) override;
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

    Dialect dialect_;
};

}  // namespace nchat::store::detail
