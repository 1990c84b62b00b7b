#include "store/sqlite/connection.hpp"

#include "store/store.hpp"
#include "util/crypto.hpp"

namespace nchat::store::sqlite {
namespace {

// `nchat-live user create` writes to the file a running server holds; a writer waits this
// long for the other's transaction instead of failing at once.
constexpr int kBusyTimeoutMs = 5000;
// Statements built from a patch vary with the fields set; caching stops here so a long-lived
// connection's cache stays bounded.
constexpr std::size_t kMaxCachedStatements = 256;

// Leaves the statement reset whatever happens: an unreset SELECT would hold its WAL read
// snapshot (and block checkpoints) until the next use.
struct ResetOnExit {
    sqlite3_stmt* st;
    ~ResetOnExit() {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
};

// Names the failed statement by its first words; parameters (keys, hashes) never appear.
std::string statement_label(const std::string& sql) {
    constexpr std::size_t kMax = 60;
    return sql.size() <= kMax ? sql : sql.substr(0, kMax) + "…";
}

// nchat_sha256(text) -> its SHA-256 in hex, as auth::hash_token makes it: migration 0004 hashes
// the stream keys stored in clear before it (PostgreSQL has sha256() of its own).
void sha256_function(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    auto hex = util::sha256_hex(
        std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(argv[0]))));
    sqlite3_result_text64(ctx, hex.data(), hex.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

}  // namespace

Connection::Connection(const std::string& path) {
    sqlite3* raw = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &raw,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    db_.reset(raw);  // closed even when the open failed
    if (rc != SQLITE_OK) {
        throw StoreError("sqlite: cannot open " + path + ": " +
                         (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, kBusyTimeoutMs);
    sqlite3_create_function_v2(raw, "nchat_sha256", 1,
                               SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                               sha256_function, nullptr, nullptr, nullptr);
    // journal_mode answers "memory" for :memory:, which is fine.
    execute_script(
        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
}

sqlite3_stmt* Connection::prepare(const std::string& sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second.get();
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size() + 1),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    StmtPtr st(raw);
    if (rc != SQLITE_OK) fail(sql);
    if (cache_.size() >= kMaxCachedStatements) cache_.clear();
    return cache_.emplace(sql, std::move(st)).first->second.get();
}

void Connection::bind(sqlite3_stmt* st, const std::vector<detail::Value>& params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        int idx = static_cast<int>(i + 1);
        int rc = std::visit(
            [&](const auto& v) {
                using V = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<V, std::nullptr_t>) {
                    return sqlite3_bind_null(st, idx);
                } else if constexpr (std::is_same_v<V, std::int64_t>) {
                    return sqlite3_bind_int64(st, idx, v);
                } else if constexpr (std::is_same_v<V, bool>) {
                    return sqlite3_bind_int(st, idx, v ? 1 : 0);
                } else {
                    return sqlite3_bind_text64(st, idx, v.data(), v.size(), SQLITE_TRANSIENT,
                                               SQLITE_UTF8);
                }
            },
            params[i]);
        if (rc != SQLITE_OK) fail(sqlite3_sql(st));
    }
}

detail::Rows Connection::query(const std::string& sql, const std::vector<detail::Value>& params) {
    auto* st = prepare(sql);
    ResetOnExit reset{st};
    bind(st, params);
    detail::Rows rows;
    int n = sqlite3_column_count(st);
    for (;;) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) fail(sql);
        detail::Row row(static_cast<std::size_t>(n));
        for (int c = 0; c < n; ++c) {
            if (sqlite3_column_type(st, c) == SQLITE_NULL) continue;
            auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
            row[static_cast<std::size_t>(c)].emplace(
                text, static_cast<std::size_t>(sqlite3_column_bytes(st, c)));
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::int64_t Connection::execute(const std::string& sql, const std::vector<detail::Value>& params) {
    query(sql, params);
    return sqlite3_changes64(db_.get());
}

void Connection::execute_script(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return;
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw StoreError("sqlite: " + msg);
}

void Connection::fail(const std::string& sql) {
    std::string msg =
        "sqlite error in \"" + statement_label(sql) + "\": " + sqlite3_errmsg(db_.get());
    int ext = sqlite3_extended_errcode(db_.get());
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
        throw Conflict(msg);
    }
    throw StoreError(msg);
}

}  // namespace nchat::store::sqlite
