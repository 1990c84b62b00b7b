#pragma once
#include <string_view>
#include <vector>

namespace nchat::store::detail {

struct Migration {
    int version;
    std::string_view name;
    std::string_view dialect;  // "sqlite" or "postgres"
    std::string_view sql;
};

// Sorted by version; generated at build time from src/store/migrations/*.sql.
extern const std::vector<Migration> kMigrations;

}  // namespace nchat::store::detail
