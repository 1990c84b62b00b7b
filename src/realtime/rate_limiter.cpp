#include "realtime/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace nchat::realtime {

RateLimiter::RateLimiter(double per_second, double burst, std::size_t max_keys)
    : per_second_(std::max(per_second, 0.001)),
      burst_(std::max(burst, 1.0)),
      max_keys_(std::max<std::size_t>(max_keys, 1)) {}

RateLimiter::Decision RateLimiter::take(const std::string& key, TimePoint now) {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
        if (buckets_.size() >= max_keys_) make_room(now);
        buckets_.emplace(key, Bucket{burst_ - 1, now});
        return {};
    }
    auto& b = it->second;
    double elapsed = std::chrono::duration<double>(now - b.at).count();
    if (elapsed > 0) {
        b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
        b.at = now;
    }
    if (b.tokens >= 1) {
        b.tokens -= 1;
        return {};
    }
    double wait_ms = (1 - b.tokens) / per_second_ * 1000;
    // The epsilon keeps 200.00000001 ms (floating point) from becoming 201.
    return {false, std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(wait_ms - 1e-6)))};
}

void RateLimiter::make_room(TimePoint now) {
    // Buckets that have refilled since their last use hold no information.
    std::erase_if(buckets_, [&](const auto& kv) {
        double elapsed = std::chrono::duration<double>(now - kv.second.at).count();
        return kv.second.tokens + elapsed * per_second_ >= burst_;
    });
    if (buckets_.size() < max_keys_) return;
    // Everyone is active: forget an eighth (the oldest updates first would need an index;
    // the map's order is as good as any, and forgetting only hands out a fresh burst).
    std::size_t drop = std::max<std::size_t>(1, max_keys_ / 8);
    for (auto it = buckets_.begin(); it != buckets_.end() && drop > 0; --drop)
        it = buckets_.erase(it);
}

std::size_t RateLimiter::size() const {
    std::lock_guard lock(mutex_);
    return buckets_.size();
}

void RateLimiter::share(SharedLimits* shared, std::string name) {
    shared_ = shared;
    name_ = std::move(name);
}

boost::asio::awaitable<RateLimiter::Decision> RateLimiter::take_async(std::string key,
                                                                      TimePoint now) {
    if (shared_) {
        std::string shared_key = name_ + '/' + key;
        auto d = co_await shared_->take(std::move(shared_key), per_second_, burst_);
        if (d) co_return *d;
    }
    co_return take(key, now);
}

}  // namespace nchat::realtime
