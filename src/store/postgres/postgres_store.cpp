#include "store/postgres/postgres_store.hpp"

namespace nchat::store::postgres {
namespace {

// Any constant shared by every nchat-live process: "nchat" in ASCII.
constexpr std::int64_t kMigrationLockKey = 0x6e63686174;

}  // namespace

PostgresStore::PostgresStore(const std::string& url)
    : SqlStore(detail::Dialect::postgres), conn_(url) {}

void PostgresStore::begin_migration() {
    // Held until COMMIT/ROLLBACK: nodes starting together migrate one after the other, and
    // each sees what the one before recorded.
    conn_.execute_script("BEGIN");
    conn_.query("SELECT pg_advisory_xact_lock(?)", {kMigrationLockKey});
}

}  // namespace nchat::store::postgres
