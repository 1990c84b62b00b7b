#pragma once
// store::Store over one SQLite connection (the default backend: no server to install).
#include <string>

#include "store/detail/sql_store.hpp"
#include "store/sqlite/connection.hpp"

namespace nchat::store::sqlite {

class SqliteStore final : public detail::SqlStore {
public:
    // `path` is a file (created if missing, its directory must exist) or ":memory:".
    explicit SqliteStore(const std::string& path);

    std::string_view backend() const override { return "sqlite"; }

protected:
    detail::Rows query(const std::string& sql, const std::vector<detail::Value>& params) override {
        return conn_.query(sql, params);
    }
    std::int64_t execute(const std::string& sql,
                         const std::vector<detail::Value>& params) override {
        return conn_.execute(sql, params);
    }
    void execute_script(const std::string& sql) override { conn_.execute_script(sql); }
    // IMMEDIATE takes the write lock now (waiting up to busy_timeout for another process), so
    // two migrators cannot both read "not applied" and both apply.
    void begin_migration() override { conn_.execute_script("BEGIN IMMEDIATE"); }

private:
    Connection conn_;
};

}  // namespace nchat::store::sqlite
