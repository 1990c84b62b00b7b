// SqlStore: migrations, users, tokens, access grants and channel relations. The stream queries
// are in sql_store_streams.cpp.
#include "store/detail/sql_store.hpp"

#include "store/detail/migrations.hpp"

namespace nchat::store::detail {
namespace {

std::string user_columns(Dialect d) {
    return "u.id, u.name, u.role, " + time_column(d, "u.created_at");
}

User user_from_row(const Row& r) {
    User u;
    u.id = text_at(r, 0);
    u.name = text_at(r, 1);
    auto role = parse_role(text_at(r, 2));
    if (!role) throw StoreError("user " + u.id + " has an unknown role");
    u.role = *role;
    u.created_at = time_at(r, 3);
    return u;
}

std::string relation_table(Store::Relation r) {
    switch (r) {
        case Store::Relation::moderator:
            return "nchat_channel_moderators";
        case Store::Relation::follower:
            return "nchat_channel_followers";
        case Store::Relation::subscriber:
            return "nchat_channel_subscribers";
    }
    throw StoreError("unknown channel relation");
}

util::Time now() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
}

}  // namespace

int SqlStore::migrate() {
    std::string_view dialect = dialect_ == Dialect::sqlite ? "sqlite" : "postgres";
    int applied = 0;
    for (const auto& m : kMigrations) {
        if (m.dialect != dialect) continue;
        if (migrate_one(m.version, m.name, m.sql)) ++applied;
    }
    return applied;
}

bool SqlStore::migrate_one(int version, std::string_view name, std::string_view sql) {
    try {
        begin_migration();
        // Inside the lock: a migrator that waited sees what the one before it recorded.
        execute(std::string("CREATE TABLE IF NOT EXISTS nchat_schema_migrations (") +
                    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at " +
                    (dialect_ == Dialect::sqlite ? "TEXT" : "TIMESTAMPTZ") + " NOT NULL)",
                {});
        bool done = !query("SELECT 1 FROM nchat_schema_migrations WHERE version = ?",
                           {std::int64_t{version}})
                         .empty();
        if (!done) {
            execute_script(std::string(sql));
            execute(
                "INSERT INTO nchat_schema_migrations (version, name, applied_at) "
                "VALUES (?, ?, ?)",
                {std::int64_t{version}, std::string(name), time_value(now())});
        }
        execute("COMMIT", {});
        return !done;
    } catch (const std::exception& e) {
        try {
            execute("ROLLBACK", {});
        } catch (const std::exception&) {  // the connection is gone; the server rolled back
        }
        throw StoreError("migration " + std::to_string(version) + "_" + std::string(name) +
                         " failed: " + e.what());
    }
}

void SqlStore::create_user(const User& u) {
    require_uuid("user id", u.id);
    try {
        execute("INSERT INTO nchat_users (id, name, role, created_at) VALUES (?, ?, ?, ?)",
                {u.id, u.name, std::string(to_string(u.role)), time_value(u.created_at)});
    } catch (const Conflict&) {
        throw Conflict("a user with this id already exists");
    }
}

std::optional<User> SqlStore::get_user(const std::string& id) {
    if (!is_uuid(id)) return std::nullopt;
    auto rows =
        query("SELECT " + user_columns(dialect_) + " FROM nchat_users u WHERE u.id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return user_from_row(rows.front());
}

std::int64_t SqlStore::count_users() {
    return int_at(query("SELECT count(*) FROM nchat_users", {}).at(0), 0);
}

void SqlStore::add_api_token(const std::string& user_id,
                             const std::string& token_hash,
                             Time created_at) {
    require_uuid("user id", user_id);
    try {
        execute("INSERT INTO nchat_api_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)",
                {token_hash, user_id, time_value(created_at)});
    } catch (const Conflict&) {
        throw Conflict("this API token already exists");
    }
}

std::optional<User> SqlStore::user_by_token_hash(const std::string& token_hash) {
    auto rows = query("SELECT " + user_columns(dialect_) +
                          " FROM nchat_api_tokens t JOIN nchat_users u ON u.id = t.user_id"
                          " WHERE t.token_hash = ?",
                      {token_hash});
    if (rows.empty()) return std::nullopt;
    return user_from_row(rows.front());
}

std::optional<ApiToken> SqlStore::api_token(const std::string& token_hash) {
    auto rows = query("SELECT " + user_columns(dialect_) + ", t.token_hash, " +
                          time_column(dialect_, "t.created_at") + ", " +
                          time_column(dialect_, "t.last_used_at") +
                          " FROM nchat_api_tokens t JOIN nchat_users u ON u.id = t.user_id"
                          " WHERE t.token_hash = ?",
                      {token_hash});
    if (rows.empty()) return std::nullopt;
    const auto& r = rows.front();
    return ApiToken{text_at(r, 4), user_from_row(r), time_at(r, 5), opt_time_at(r, 6)};
}

void SqlStore::touch_api_token(const std::string& token_hash, Time at) {
    execute("UPDATE nchat_api_tokens SET last_used_at = ? WHERE token_hash = ?",
            {time_value(at), token_hash});
}

std::vector<ApiToken> SqlStore::list_api_tokens(const std::string& user_id) {
    std::vector<ApiToken> out;
    if (!is_uuid(user_id)) return out;
    auto rows = query("SELECT " + user_columns(dialect_) + ", t.token_hash, " +
                          time_column(dialect_, "t.created_at") + ", " +
                          time_column(dialect_, "t.last_used_at") +
                          " FROM nchat_api_tokens t JOIN nchat_users u ON u.id = t.user_id"
                          " WHERE t.user_id = ? ORDER BY t.created_at, t.token_hash",
                      {user_id});
    for (const auto& r : rows)
        out.push_back(ApiToken{text_at(r, 4), user_from_row(r), time_at(r, 5), opt_time_at(r, 6)});
    return out;
}

bool SqlStore::delete_api_token(const std::string& user_id, const std::string& id) {
    if (!is_uuid(user_id) || id.size() != 16) return false;
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return execute(
               "DELETE FROM nchat_api_tokens WHERE user_id = ? AND substr(token_hash, 1, 16) = ?",
               {user_id, id}) > 0;
}

void SqlStore::grant_stream_access(const std::string& stream_id,
                                   const std::string& user_id,
                                   Time at) {
    require_uuid("stream id", stream_id);
    require_uuid("user id", user_id);
    execute(
        "INSERT INTO nchat_stream_access (stream_id, user_id, granted_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        {stream_id, user_id, time_value(at)});
}

void SqlStore::revoke_stream_access(const std::string& stream_id, const std::string& user_id) {
    if (!is_uuid(stream_id) || !is_uuid(user_id)) return;
    execute("DELETE FROM nchat_stream_access WHERE stream_id = ? AND user_id = ?",
            {stream_id, user_id});
}

bool SqlStore::has_stream_access(const std::string& stream_id, const std::string& user_id) {
    if (!is_uuid(stream_id) || !is_uuid(user_id)) return false;
    return !query("SELECT 1 FROM nchat_stream_access WHERE stream_id = ? AND user_id = ?",
                  {stream_id, user_id})
                .empty();
}

void SqlStore::add_channel_relation(Relation r,
                                    const std::string& channel_id,
                                    const std::string& user_id,
                                    Time at) {
    require_uuid("channel id", channel_id);
    require_uuid("user id", user_id);
    execute("INSERT INTO " + relation_table(r) +
                " (channel_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            {channel_id, user_id, time_value(at)});
}

void SqlStore::remove_channel_relation(Relation r,
                                       const std::string& channel_id,
                                       const std::string& user_id) {
    if (!is_uuid(channel_id) || !is_uuid(user_id)) return;
    execute("DELETE FROM " + relation_table(r) + " WHERE channel_id = ? AND user_id = ?",
            {channel_id, user_id});
}

bool SqlStore::has_channel_relation(Relation r,
                                    const std::string& channel_id,
                                    const std::string& user_id) {
    if (!is_uuid(channel_id) || !is_uuid(user_id)) return false;
    return !query("SELECT 1 FROM " + relation_table(r) + " WHERE channel_id = ? AND user_id = ?",
                  {channel_id, user_id})
                .empty();
}

std::vector<ChannelMember> SqlStore::list_channel_relation(Relation r,
                                                           const std::string& channel_id,
                                                           std::int64_t limit,
                                                           std::int64_t offset) {
    std::vector<ChannelMember> out;
    if (!is_uuid(channel_id)) return out;
    auto rows = query("SELECT user_id, " + time_column(dialect_, "created_at") + " FROM " +
                          relation_table(r) +
                          " WHERE channel_id = ? ORDER BY created_at, user_id LIMIT ? OFFSET ?",
                      {channel_id, clamp_limit(limit), clamp_offset(offset)});
    for (const auto& row : rows)
        out.push_back({text_at(row, 0), time_at(row, 1)});
    return out;
}

void SqlStore::transaction(const std::function<void()>& body) {
    if (transaction_depth_ > 0) {  // joins the caller's transaction
        body();
        return;
    }
    // IMMEDIATE: SQLite takes the write lock now, not at the first write, so a transaction
    // that reads before it writes never fails with SQLITE_BUSY halfway.
    execute_script(dialect_ == Dialect::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
    ++transaction_depth_;
    try {
        body();
        --transaction_depth_;
        execute_script("COMMIT");
    } catch (...) {
        transaction_depth_ = 0;
        try {
            execute_script("ROLLBACK");
        } catch (const std::exception&) {  // the connection is gone; the server rolled back
        }
        throw;
    }
}

}  // namespace nchat::store::detail
