#pragma once
// One libpq connection (RAII over PGconn*): statements with `?` placeholders run as prepared
// statements (cached by SQL text), parameters sent as text. Not thread-safe: it belongs to one
// storage thread at a time.
#include <memory>
#include <string>
#include <unordered_map>

#include <libpq-fe.h>

#include "store/detail/sql_value.hpp"

namespace nchat::store::postgres {

struct ConnFinish {
    void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClear {
    void operator()(PGresult* r) const { PQclear(r); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnFinish>;
using ResultPtr = std::unique_ptr<PGresult, ResultClear>;

class Connection {
public:
    // `url` goes to PQconnectdb as is (postgres:// or postgresql://, key=value also works).
    // Throws StoreError with libpq's reason, which never contains the password.
    explicit Connection(const std::string& url);

    detail::Rows query(const std::string& sql, const std::vector<detail::Value>& params);
    // Returns the number of rows the statement changed.
    std::int64_t execute(const std::string& sql, const std::vector<detail::Value>& params);
    void execute_script(const std::string& sql);

private:
    ResultPtr run(const std::string& sql, const std::vector<detail::Value>& params);
    void reconnect_if_lost();
    ResultPtr check(ResultPtr res, const std::string& sql);

    ConnPtr conn_;
    std::unordered_map<std::string, std::string> prepared_;  // SQL text → statement name
    int next_statement_ = 0;
};

// "a = ? AND b = ?" → "a = $1 AND b = $2"; quoted literals and identifiers are left alone.
std::string number_placeholders(const std::string& sql);

}  // namespace nchat::store::postgres
