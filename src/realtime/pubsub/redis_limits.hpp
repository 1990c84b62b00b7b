#pragma once
// Rate limits that hold across nodes (docs/realtime.md, "Several nodes"): each bucket is a hash
// in Redis, taken from by one Lua script (atomic, timed by Redis's own clock, so nodes whose
// clocks differ agree), with the rule of RateLimiter. One thread and one connection: requests
// queue (bounded), go out pipelined, and each answer resumes its coroutine on its executor.
// When Redis cannot answer (connecting, gone, 200 ms without a reply, the queue full) the answer
// is nullopt and the node's own bucket decides: chat never waits on a dead Redis.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "realtime/pubsub/redis_bus.hpp"
#include "realtime/rate_limiter.hpp"

namespace nchat::realtime {

class RedisLimits final : public SharedLimits {
public:
    // `url`: redis://…; `prefix` names the keys (`<prefix>:rl:<bucket>`).
    RedisLimits(const std::string& url, std::string prefix = "nchat");
    ~RedisLimits() override;  // stop()
    RedisLimits(const RedisLimits&) = delete;
    RedisLimits& operator=(const RedisLimits&) = delete;

    void start();
    void stop();  // answers what is queued with nullopt, joins the thread; idempotent

    boost::asio::awaitable<std::optional<RateLimiter::Decision>> take(std::string key,
                                                                      double per_second,
                                                                      double burst) override;

    std::uint64_t answered() const { return answered_.load(); }
    std::uint64_t fell_back() const { return fell_back_.load(); }

private:
    using Done = std::function<void(std::optional<RateLimiter::Decision>)>;
    struct Pending {
        std::string key;
        double per_second;
        double burst;
        Done done;
    };
    void enqueue(Pending p);
    void loop();

    RedisUrl url_;
    std::string prefix_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Pending> queue_;  // under mu_
    bool stop_ = false;          // under mu_
    bool connected_ = false;     // under mu_: while not, requests are answered nullopt at once
    std::thread thread_;
    std::atomic<std::uint64_t> answered_{0}, fell_back_{0};
};

}  // namespace nchat::realtime
