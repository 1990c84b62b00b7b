#pragma once
// A fresh, empty database per test, for each backend: SQLite in a temporary directory, or a
// fresh schema (selected through the URL's search_path) in the PostgreSQL that
// scripts/test-services started (its URL in $NCHAT_TEST_SERVICES/pg.url).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>

#include <libpq-fe.h>
#include <sqlite3.h>

namespace nchat::store::testing {

enum class Backend { sqlite, postgres };

inline std::string backend_name(Backend b) {
    return b == Backend::sqlite ? "sqlite" : "postgres";
}
inline void PrintTo(Backend b, std::ostream* os) {
    *os << backend_name(b);
}

inline std::string random_suffix() {
    std::random_device rd;
    std::uniform_int_distribution<std::uint64_t> dist;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(dist(rd)));
    return buf;
}

class TestDatabase {
public:
    explicit TestDatabase(Backend b) : backend_(b) {
        if (b == Backend::sqlite) {
            dir_ = std::filesystem::temp_directory_path() / ("nchat-store-" + random_suffix());
            // "sub/" is left for open_store to create.
            path_ = (dir_ / "sub" / "test.db").string();
            url_ = "sqlite:" + path_;
            return;
        }
        const char* services = std::getenv("NCHAT_TEST_SERVICES");
        if (!services || !*services) {
            skip_reason_ = "NCHAT_TEST_SERVICES is unset: run scripts/test-services start DIR";
            return;
        }
        std::ifstream in(std::filesystem::path(services) / "pg.url");
        if (!(in >> admin_url_)) {
            skip_reason_ = std::string("no pg.url in ") + services;
            return;
        }
        schema_ = "t_" + random_suffix();
        admin_exec("CREATE SCHEMA " + schema_);
        url_ = admin_url_ + (admin_url_.find('?') == std::string::npos ? "?" : "&") +
               "options=-csearch_path%3D" + schema_;
    }

    ~TestDatabase() {
        if (backend_ == Backend::sqlite) {
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
        } else if (!schema_.empty()) {
            try {
                admin_exec("DROP SCHEMA " + schema_ + " CASCADE");
            } catch (const std::exception&) {  // the server is gone already; it takes the schema
            }
        }
    }

    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    const std::string& url() const { return url_; }
    // Non-empty: the backend is unavailable here; the test should GTEST_SKIP() with it.
    const std::string& skip_reason() const { return skip_reason_; }

    // Raw SQL on a connection of its own, for rows the Store API does not write (yet) and for
    // checking what a cascade left behind. Returns the first column of the first row, or -1.
    long long exec(const std::string& sql) {
        if (backend_ == Backend::postgres) return pg_exec(url_, sql);
        sqlite3* db = nullptr;
        sqlite3_open(path_.c_str(), &db);
        sqlite3_busy_timeout(db, 5000);
        sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
        long long out = -1;
        char* err = nullptr;
        int rc = sqlite3_exec(
            db, sql.c_str(),
            [](void* p, int n, char** v, char**) {
                auto* o = static_cast<long long*>(p);
                if (n > 0 && v[0] && *o == -1) *o = std::atoll(v[0]);
                return 0;
            },
            &out, &err);
        std::string msg = err ? err : "";
        sqlite3_free(err);
        sqlite3_close(db);
        if (rc != SQLITE_OK) throw std::runtime_error("sqlite: " + msg + " in " + sql);
        return out;
    }

private:
    void admin_exec(const std::string& sql) { pg_exec(admin_url_, sql); }

    static long long pg_exec(const std::string& url, const std::string& sql) {
        PGconn* c = PQconnectdb(url.c_str());
        if (PQstatus(c) != CONNECTION_OK) {
            std::string msg = PQerrorMessage(c);
            PQfinish(c);
            throw std::runtime_error("postgres: " + msg);
        }
        PQsetNoticeProcessor(
            c, [](void*, const char*) {}, nullptr);  // DROP … CASCADE lists
        PGresult* r = PQexec(c, sql.c_str());
        auto st = PQresultStatus(r);
        long long out = -1;
        if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
            out = std::atoll(PQgetvalue(r, 0, 0));
        }
        std::string msg = PQerrorMessage(c);
        PQclear(r);
        PQfinish(c);
        if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
            throw std::runtime_error("postgres: " + msg + " in " + sql);
        }
        return out;
    }

    Backend backend_;
    std::filesystem::path dir_;
    std::string path_;
    std::string admin_url_;
    std::string schema_;
    std::string url_;
    std::string skip_reason_;
};

}  // namespace nchat::store::testing
