#include "store/sqlite/sqlite_store.hpp"

namespace nchat::store::sqlite {

SqliteStore::SqliteStore(const std::string& path)
    : SqlStore(detail::Dialect::sqlite), conn_(path) {}

}  // namespace nchat::store::sqlite
