#pragma once
// Group commit of chat messages (DESIGN.md, Threads: chat writes are batched). Each sender
// queues its message and awaits one job on the store's writer; the first job to run stores
// everything queued so far in one transaction and publishes the events in that same order, so
// the order of the store (list, resume) is the order of the events. Later jobs whose message
// went with an earlier batch find nothing to do. Under load one transaction carries many
// messages; idle, a message costs one transaction as before.
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>

#include "store/types.hpp"

namespace nchat::store {
class Database;
class Store;
}  // namespace nchat::store

namespace nchat::realtime::detail {

class ChatWriter {
public:
    // `stored` runs on the writer thread for each stored message, in order (publishes events).
    ChatWriter(store::Database& db, std::function<void(const store::ChatMessage&)> stored);

    // Returns once `m` is stored (and `stored` ran for it); throws what storing it threw.
    boost::asio::awaitable<void> write(store::ChatMessage m);

private:
    void drain(store::Store& st, const std::string& mine);  // on the writer thread

    store::Database& db_;
    std::function<void(const store::ChatMessage&)> stored_;
    std::mutex mutex_;
    // Bounded by the writer's queue: every message queued here has its job queued there, or
    // is taken back when the job is refused.
    std::deque<store::ChatMessage> pending_;  // guarded by mutex_
    // Messages of a batch that could not be stored, until their own job reports it. Writer
    // thread only.
    std::unordered_map<std::string, std::exception_ptr> failed_;
};

}  // namespace nchat::realtime::detail
