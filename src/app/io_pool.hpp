#pragma once
// The network threads (DESIGN.md, Threads): one io_context per thread rather than one shared by
// all. A connection, and the stream it publishes, live on one thread from accept to close, so a
// frame goes from the RTMP socket through the LiveStream to the HLS packager without waking
// another thread or taking the scheduler's lock: on one 6 Mbit/s stream a shared two-thread
// io_context spent a third of the server's CPU on those wake-ups (docs/BENCHMARKS.md).
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace nchat::app {

class IoPool {
    // execution_context::shutdown() is protected: the pool needs it to tear down in two steps.
    struct Context : boost::asio::io_context {
        using boost::asio::io_context::io_context;
        void shutdown_services() { shutdown(); }
    };

public:
    explicit IoPool(unsigned threads) {
        for (unsigned i = 0; i < std::max(1u, threads); ++i) {
            // 1 = run by one thread: no locking between threads running it (posts from other
            // threads still lock).
            contexts_.push_back(std::make_unique<Context>(1));
        }
    }
    // Handlers still queued on one context may own objects with strands on another (an HTTP
    // session on context 1 keeps the server, whose strand is on context 0): every context drops
    // its handlers first, and only then is any context's memory freed.
    ~IoPool() {
        for (auto& c : contexts_)
            c->shutdown_services();
    }
    IoPool(const IoPool&) = delete;
    IoPool& operator=(const IoPool&) = delete;

    // The first context: listeners, signals, timers of the server itself.
    boost::asio::io_context& main() { return *contexts_.front(); }
    std::size_t size() const { return contexts_.size(); }
    boost::asio::io_context& context(std::size_t i) { return *contexts_.at(i); }
    // Round-robin: where the next connection runs.
    boost::asio::any_io_executor next() {
        auto i = next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size();
        return contexts_[i]->get_executor();
    }

    // Runs every context (the calling thread runs main()) until stop(); the other contexts keep
    // running while they have work, so stop() ends them all.
    void run() {
        std::vector<std::thread> threads;
        std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
        for (std::size_t i = 1; i < contexts_.size(); ++i) {
            work.push_back(boost::asio::make_work_guard(*contexts_[i]));
            threads.emplace_back([c = contexts_[i].get()] { c->run(); });
        }
        main().run();
        work.clear();
        for (auto& c : contexts_)
            c->stop();
        for (auto& t : threads)
            t.join();
    }
    void stop() {
        for (auto& c : contexts_)
            c->stop();
    }

private:
    std::vector<std::unique_ptr<Context>> contexts_;
    std::atomic<std::size_t> next_{0};
};

}  // namespace nchat::app
