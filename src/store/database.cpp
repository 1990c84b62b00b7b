#include "store/database.hpp"

#include "util/log.hpp"

namespace nchat::store {
namespace {

bool is_sqlite_memory(const std::string& url) {
    return url == "sqlite::memory:" || url == "sqlite://:memory:";
}

}  // namespace

Database::Database(DatabaseOptions opts) {
    auto writer = open_store(opts.url);
    backend_ = std::string(writer->backend());
    int readers = is_sqlite_memory(opts.url) ? 0 : std::max(opts.readers, 0);
    std::size_t max_queue = std::max<std::size_t>(opts.max_queue, 1);
    // Connect everything before starting any thread: a bad URL fails here, whole.
    std::vector<std::unique_ptr<Store>> reader_stores;
    for (int i = 0; i < readers; ++i)
        reader_stores.push_back(open_store(opts.url));
    writer_ = std::make_unique<detail::Lane>(std::move(writer), max_queue);
    for (auto& s : reader_stores) {
        readers_.push_back(std::make_unique<detail::Lane>(std::move(s), max_queue));
    }
    util::logger("store")->info("storage: {} with 1 writer and {} reader connections", backend_,
                                readers);
}

Database::~Database() {
    stop();
}

void Database::stop() {
    for (auto& r : readers_)
        r->stop();
    writer_->stop();
}

detail::Lane& Database::next_reader() {
    if (readers_.empty()) return *writer_;
    return *readers_[next_reader_.fetch_add(1, std::memory_order_relaxed) % readers_.size()];
}

}  // namespace nchat::store
