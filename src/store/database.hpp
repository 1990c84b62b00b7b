#pragma once
// store::Database: the storage executor network code awaits (DESIGN.md, Threads). One writer
// connection and a few reader connections, each owned by its own thread with a bounded queue.
// A handler co_awaits read()/write(); the work runs there and the coroutine resumes on its own
// executor (its strand). SQLite: one writer (WAL lets readers run beside it); PostgreSQL: the
// readers are the pool.
//
// g++ 12 miscompiles a lambda that captures a non-trivial object BY COPY when it is written as
// a temporary inside the co_await expression: `co_await db.write([s](Store& st) {...})` frees
// a pointer into the coroutine frame (AddressSanitizer: bad-free / double-free). Name the
// lambda first, or capture by reference (the awaiting frame outlives the call):
//     auto create = [s](Store& st) { st.create_stream(s); };
//     co_await db.write(std::move(create));
//     co_await db.write([&](Store& st) { st.create_stream(s); });
#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "store/detail/jobs.hpp"
#include "store/detail/lane.hpp"
#include "store/store.hpp"

namespace nchat::store {

namespace net = boost::asio;

struct DatabaseOptions {
    std::string url;
    int readers = 2;
    std::size_t max_queue = 10'000;  // per lane
};

class Database {
public:
    // Opens 1 writer + `readers` reader connections (throws StoreError); does not migrate.
    // For sqlite::memory: there are no readers (another connection would be another
    // database): reads go to the writer.
    explicit Database(DatabaseOptions opts);
    ~Database();  // stop()
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs what is queued, then joins the threads (idempotent): graceful shutdown flushes
    // storage. Calls after it fail with StoreError("storage stopped").
    void stop();
    std::string_view backend() const { return backend_; }

    // Runs f(Store&) on a reader (round-robin) or the writer and resumes the awaiting coroutine
    // on its own executor with the result; an exception from f is rethrown there. When the
    // lane already holds max_queue jobs, throws Overloaded (store.hpp). The result
    // type must be default-constructible (or void).
    template <class F>
    net::awaitable<std::invoke_result_t<F, Store&>> read(F f) {
        return detail::submit_async(next_reader(), std::move(f));
    }
    template <class F>
    net::awaitable<std::invoke_result_t<F, Store&>> write(F f) {
        return detail::submit_async(*writer_, std::move(f));
    }
    // Blocking; for the CLI and startup, never on an I/O thread.
    template <class F>
    std::invoke_result_t<F, Store&> write_sync(F f) {
        using R = std::invoke_result_t<F, Store&>;
        std::promise<R> done;
        auto result = done.get_future();
        writer_->submit(std::make_unique<detail::SyncJob<F, R>>(std::move(f), done));
        return result.get();
    }

private:
    detail::Lane& next_reader();

    std::string backend_;
    std::unique_ptr<detail::Lane> writer_;
    std::vector<std::unique_ptr<detail::Lane>> readers_;  // empty: reads go to the writer
    std::atomic<std::size_t> next_reader_{0};
};

}  // namespace nchat::store
