#pragma once
// One SQLite connection (RAII over sqlite3*) with its prepared statements cached by SQL text.
// Not thread-safe: it belongs to one storage thread at a time.
#include <memory>
#include <string>
#include <unordered_map>

#include <sqlite3.h>

#include "store/detail/sql_value.hpp"

namespace nchat::store::sqlite {

struct DbClose {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using DbPtr = std::unique_ptr<sqlite3, DbClose>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

class Connection {
public:
    // Opens (creating) `path`, ":memory:" allowed, and sets WAL, busy_timeout, foreign_keys and
    // synchronous=NORMAL. Throws StoreError.
    explicit Connection(const std::string& path);

    detail::Rows query(const std::string& sql, const std::vector<detail::Value>& params);
    // Returns sqlite3_changes() of the statement.
    std::int64_t execute(const std::string& sql, const std::vector<detail::Value>& params);
    void execute_script(const std::string& sql);

private:
    sqlite3_stmt* prepare(const std::string& sql);
    void bind(sqlite3_stmt* st, const std::vector<detail::Value>& params);
    [[noreturn]] void fail(const std::string& sql);

    DbPtr db_;
    std::unordered_map<std::string, StmtPtr> cache_;
};

}  // namespace nchat::store::sqlite
