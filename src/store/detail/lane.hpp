#pragma once
// One storage thread: a bounded queue of jobs run in order against the Store it owns.
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "store/store.hpp"

namespace nchat::store::detail {

class Job {
public:
    virtual ~Job() = default;
    // On the lane's thread. Never throws: a failure of the work goes to whoever waits.
    virtual void run(Store& s) = 0;
    // Completes with `e` without running (the lane refused the job); on the caller's thread.
    virtual void fail(std::exception_ptr e) = 0;
};

class Lane {
public:
    Lane(std::unique_ptr<Store> store, std::size_t max_queue);
    ~Lane();
    Lane(const Lane&) = delete;
    Lane& operator=(const Lane&) = delete;

    // Queues the job, or completes it at once with Overloaded (store.hpp) when
    // max_queue jobs are waiting (the caller never waits) or "storage stopped" after stop().
    void submit(std::unique_ptr<Job> job);
    // Runs what is queued, then joins the thread. Idempotent; any thread but the lane's own.
    void stop();

private:
    void loop();

    std::unique_ptr<Store> store_;  // used and closed on thread_ only
    const std::size_t max_queue_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::unique_ptr<Job>> queue_;  // guarded by mutex_
    bool stopping_ = false;                   // guarded by mutex_
    std::mutex join_mutex_;
    std::thread thread_;
};

}  // namespace nchat::store::detail
