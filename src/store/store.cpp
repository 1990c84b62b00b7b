// open_store: picks the backend from the URL's scheme.
#include "store/store.hpp"

#include <filesystem>
#include <system_error>

#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace nchat::store {
namespace {

bool starts_with(const std::string& s, std::string_view prefix) {
    return s.rfind(prefix, 0) == 0;
}

// "sqlite:PATH", "sqlite://PATH" (so "sqlite:///abs/file.db" works too) or "sqlite::memory:".
std::string sqlite_path(const std::string& url) {
    std::string path = url.substr(std::string_view("sqlite:").size());
    if (starts_with(path, "//")) path.erase(0, 2);
    if (path.empty()) throw StoreError("database URL sqlite: needs a path (or :memory:)");
    return path;
}

void create_parent_directory(const std::string& path) {
    auto parent = std::filesystem::path(path).parent_path();
    if (parent.empty()) return;
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
        throw StoreError("sqlite: cannot create directory " + parent.string() + ": " +
                         ec.message());
    }
}

}  // namespace

std::unique_ptr<Store> open_store(const std::string& url) {
    if (starts_with(url, "sqlite:")) {
        auto path = sqlite_path(url);
        if (path != ":memory:") create_parent_directory(path);
        return std::make_unique<sqlite::SqliteStore>(path);
    }
    if (starts_with(url, "postgres://") || starts_with(url, "postgresql://")) {
        return std::make_unique<postgres::PostgresStore>(url);
    }
    // Not echoed: a mistyped URL may still carry a password.
    throw StoreError("unsupported database URL: expected sqlite:PATH or postgres://…");
}

}  // namespace nchat::store
