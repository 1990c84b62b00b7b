#pragma once
// Stores what ViewerSessions queued (docs/realtime.md, Viewer counts): taken on the store's
// writer thread, so batches are stored in the order they were taken (a session's start before
// its end), and split into transactions of at most `batch` rows. A batch that fails is
// logged and its rows counted as dropped: the counters lose those views, and sessions left
// open are closed when their stream ends.
#include <cstddef>

#include <boost/asio/awaitable.hpp>

namespace nchat::store {
class Database;
class Store;
}  // namespace nchat::store

namespace nchat::realtime {
class ViewerSessions;
}

namespace nchat::realtime::detail {

class ViewerWriter {
public:
    ViewerWriter(store::Database& db, std::size_t batch);

    // Before the first flush; not owned. Without one, flushes do nothing.
    void attach(ViewerSessions* sessions) { sessions_ = sessions; }
    boost::asio::awaitable<void> flush();
    // Blocking, for shutdown (never on an I/O thread): ends this node's open sessions first.
    void flush_sync();

private:
    void store_all(store::Store& st);  // on the writer thread

    store::Database& db_;
    const std::size_t batch_;
    ViewerSessions* sessions_ = nullptr;
};

}  // namespace nchat::realtime::detail
