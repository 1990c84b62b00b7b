#pragma once
// Token buckets per key (a user in a stream): `per_second` tokens come back each second up to
// `burst`; an action takes one or is refused with the time until one is back. Thread-safe (one
// mutex, held for a map lookup). Memory is bounded: at most `max_keys` buckets; a full bucket
// is the same as none, so idle ones are dropped first when the map is full.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>

namespace nchat::realtime {

class SharedLimits;

class RateLimiter {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    RateLimiter(double per_second, double burst, std::size_t max_keys);

    struct Decision {
        bool allowed = true;
        std::chrono::milliseconds retry_after{0};  // when refused: until a token is back
    };
    Decision take(const std::string& key, TimePoint now);

    // Several nodes: the buckets are kept by `shared` for every node at once, this limiter's
    // under `name`. Set before use.
    void share(SharedLimits* shared, std::string name);
    // take(), from the shared buckets when there are; from this node's own when there are not
    // or they cannot answer now (Redis unreachable: each node then limits alone).
    boost::asio::awaitable<Decision> take_async(std::string key, TimePoint now);
    bool shared() const { return shared_ != nullptr; }

    std::size_t size() const;

private:
    struct Bucket {
        double tokens;
        TimePoint at;  // when `tokens` was computed
    };
    void make_room(TimePoint now);  // mutex_ held

    const double per_second_;
    const double burst_;
    const std::size_t max_keys_;
    SharedLimits* shared_ = nullptr;
    std::string name_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;  // guarded by mutex_
};

// Token buckets kept for every node at once (realtime/pubsub/redis_limits.hpp): the same rule
// as RateLimiter's, for the bucket `key`. nullopt when they cannot answer now.
class SharedLimits {
public:
    virtual ~SharedLimits() = default;
    virtual boost::asio::awaitable<std::optional<RateLimiter::Decision>> take(std::string key,
                                                                              double per_second,
                                                                              double burst) = 0;
};

}  // namespace nchat::realtime
