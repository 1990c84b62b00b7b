#include "store/postgres/connection.hpp"

#include <charconv>

#include "store/store.hpp"

namespace nchat::store::postgres {
namespace {

// Statements built from a patch vary with the fields set; preparing stops here so a
// long-lived connection's server-side statements stay bounded.
constexpr std::size_t kMaxPreparedStatements = 256;

std::string statement_label(const std::string& sql) {
    constexpr std::size_t kMax = 60;
    return sql.size() <= kMax ? sql : sql.substr(0, kMax) + "…";
}

std::string trim_newline(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

// Only plain DML is worth preparing; BEGIN/COMMIT/DDL run once per migration.
bool preparable(const std::string& sql) {
    for (std::string_view verb : {"SELECT", "INSERT", "UPDATE", "DELETE"}) {
        if (sql.compare(0, verb.size(), verb) == 0) return true;
    }
    return false;
}

// "An empty notice processor": CREATE … IF NOT EXISTS notices would go to stderr otherwise.
void ignore_notice(void*, const char*) {}

}  // namespace

std::string number_placeholders(const std::string& sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    char quote = 0;
    for (char c : sql) {
        if (quote) {
            if (c == quote) quote = 0;
            out += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            out += c;
        } else if (c == '?') {
            out += '$' + std::to_string(++n);
        } else {
            out += c;
        }
    }
    return out;
}

Connection::Connection(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (!conn_) throw StoreError("postgres: out of memory");
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
        throw StoreError("postgres: cannot connect: " + trim_newline(PQerrorMessage(conn_.get())));
    }
    PQsetNoticeProcessor(conn_.get(), ignore_notice, nullptr);
    if (PQsetClientEncoding(conn_.get(), "UTF8") != 0) {
        throw StoreError("postgres: cannot set client_encoding to UTF8");
    }
}

void Connection::reconnect_if_lost() {
    if (PQstatus(conn_.get()) == CONNECTION_OK) return;
    // The server restarted or dropped us: one fresh attempt, and its statements are gone.
    prepared_.clear();
    PQreset(conn_.get());
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
        throw StoreError("postgres: connection lost: " + trim_newline(PQerrorMessage(conn_.get())));
    }
    PQsetNoticeProcessor(conn_.get(), ignore_notice, nullptr);
}

ResultPtr Connection::check(ResultPtr res, const std::string& sql) {
    auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return res;
    // The primary message only: DETAIL would quote the conflicting key's value.
    const char* primary = res ? PQresultErrorField(res.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string msg = "postgres error in \"" + statement_label(sql) +
                      "\": " + (primary ? primary : trim_newline(PQerrorMessage(conn_.get())));
    const char* state = res ? PQresultErrorField(res.get(), PG_DIAG_SQLSTATE) : nullptr;
    if (state && std::string_view(state) == "23505") throw Conflict(msg);  // unique_violation
    throw StoreError(msg);
}

ResultPtr Connection::run(const std::string& sql, const std::vector<detail::Value>& params) {
    reconnect_if_lost();
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
        const auto& p = params[i];
        if (std::holds_alternative<std::nullptr_t>(p)) continue;
        if (auto* v = std::get_if<std::int64_t>(&p)) text[i] = std::to_string(*v);
        if (auto* v = std::get_if<bool>(&p)) text[i] = *v ? "true" : "false";
        if (auto* v = std::get_if<std::string>(&p)) text[i] = *v;
        values[i] = text[i].c_str();
    }
    int n = static_cast<int>(params.size());
    auto it = prepared_.find(sql);
    if (it == prepared_.end() && preparable(sql) && prepared_.size() < kMaxPreparedStatements) {
        std::string name = "nchat_" + std::to_string(next_statement_++);
        check(ResultPtr(PQprepare(conn_.get(), name.c_str(), number_placeholders(sql).c_str(), n,
                                  nullptr)),
              sql);
        it = prepared_.emplace(sql, std::move(name)).first;
    }
    if (it != prepared_.end()) {
        return check(ResultPtr(PQexecPrepared(conn_.get(), it->second.c_str(), n, values.data(),
                                              nullptr, nullptr, 0)),
                     sql);
    }
    return check(ResultPtr(PQexecParams(conn_.get(), number_placeholders(sql).c_str(), n, nullptr,
                                        values.data(), nullptr, nullptr, 0)),
                 sql);
}

detail::Rows Connection::query(const std::string& sql, const std::vector<detail::Value>& params) {
    auto res = run(sql, params);
    int rows = PQntuples(res.get());
    int cols = PQnfields(res.get());
    detail::Rows out;
    out.reserve(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) {
        detail::Row row(static_cast<std::size_t>(cols));
        for (int c = 0; c < cols; ++c) {
            if (PQgetisnull(res.get(), r, c)) continue;
            row[static_cast<std::size_t>(c)].emplace(
                PQgetvalue(res.get(), r, c),
                static_cast<std::size_t>(PQgetlength(res.get(), r, c)));
        }
        out.push_back(std::move(row));
    }
    return out;
}

std::int64_t Connection::execute(const std::string& sql, const std::vector<detail::Value>& params) {
    auto res = run(sql, params);
    std::string_view tuples = PQcmdTuples(res.get());
    std::int64_t n = 0;
    std::from_chars(tuples.data(), tuples.data() + tuples.size(), n);
    return n;
}

void Connection::execute_script(const std::string& sql) {
    reconnect_if_lost();
    check(ResultPtr(PQexec(conn_.get(), sql.c_str())), sql);
}

}  // namespace nchat::store::postgres
