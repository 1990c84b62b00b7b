#pragma once
// store::Store over one PostgreSQL connection (production, and several nodes sharing a database).
#include <string>

#include "store/detail/sql_store.hpp"
#include "store/postgres/connection.hpp"

namespace nchat::store::postgres {

class PostgresStore final : public detail::SqlStore {
public:
    explicit PostgresStore(const std::string& url);

    std::string_view backend() const override { return "postgres"; }

protected:
    detail::Rows query(const std::string& sql, const std::vector<detail::Value>& params) override {
        return conn_.query(sql, params);
    }
    std::int64_t execute(const std::string& sql,
                         const std::vector<detail::Value>& params) override {
        return conn_.execute(sql, params);
    }
    void execute_script(const std::string& sql) override { conn_.execute_script(sql); }
    void begin_migration() override;

private:
    Connection conn_;
};

}  // namespace nchat::store::postgres
