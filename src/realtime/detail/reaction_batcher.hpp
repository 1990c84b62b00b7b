#pragma once
// Reactions are broadcast at once and stored later, in batches (DESIGN.md, Threads): a bounded
// queue that flush() empties into one transaction. What does not fit is dropped and counted —
// a reaction is an animation, its row only feeds counters and history.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "store/types.hpp"

namespace nchat::store {
class Database;
class Store;
}  // namespace nchat::store

namespace nchat::realtime::detail {

class ReactionBatcher {
public:
    ReactionBatcher(store::Database& db, std::size_t batch, std::size_t max_pending);

    // Queues `r`; false when the queue is full (dropped). *due: a batch is ready to store.
    bool add(store::Reaction r, bool* due);
    // Stores everything queued now (in batches of `batch`). Failures are logged and counted.
    boost::asio::awaitable<void> flush();
    // Blocking, for shutdown (never on an I/O thread).
    void flush_sync();

    std::uint64_t stored() const { return stored_; }
    std::uint64_t dropped() const { return dropped_; }

private:
    std::vector<store::Reaction> take();
    void store_all(store::Store& st, std::vector<store::Reaction>& rows);  // writer thread

    store::Database& db_;
    const std::size_t batch_;
    const std::size_t max_pending_;
    std::mutex mutex_;
    std::vector<store::Reaction> pending_;  // guarded by mutex_
    std::atomic<std::uint64_t> stored_{0};
    std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace nchat::realtime::detail
