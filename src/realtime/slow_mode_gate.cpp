#include "realtime/slow_mode_gate.hpp"

#include <algorithm>

namespace nchat::realtime {

SlowModeGate::SlowModeGate(std::chrono::seconds max_interval, std::size_t max_keys)
    : max_interval_(max_interval), max_keys_(std::max<std::size_t>(max_keys, 1)) {}

std::chrono::milliseconds SlowModeGate::pass(const std::string& key,
                                             std::chrono::seconds interval,
                                             TimePoint now) {
    using std::chrono::milliseconds;
    std::lock_guard lock(mutex_);
    auto it = last_.find(key);
    if (it != last_.end() && now - it->second < interval) {
        return std::chrono::ceil<milliseconds>(interval - (now - it->second));
    }
    if (it != last_.end()) {
        it->second = now;
        return milliseconds(0);
    }
    if (last_.size() >= max_keys_) {
        std::erase_if(last_, [&](const auto& kv) { return now - kv.second >= max_interval_; });
        std::size_t drop = last_.size() >= max_keys_ ? std::max<std::size_t>(1, max_keys_ / 8) : 0;
        for (auto i = last_.begin(); i != last_.end() && drop > 0; --drop)
            i = last_.erase(i);
    }
    last_.emplace(key, now);
    return milliseconds(0);
}

void SlowModeGate::forget(const std::string& key) {
    std::lock_guard lock(mutex_);
    last_.erase(key);
}

std::size_t SlowModeGate::size() const {
    std::lock_guard lock(mutex_);
    return last_.size();
}

}  // namespace nchat::realtime
