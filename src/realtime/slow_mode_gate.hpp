#pragma once
// Slow mode: one message per `interval` per key (a user in a stream). Thread-safe; at most
// `max_keys` entries, the ones whose interval is surely over (older than `max_interval`)
// dropped first.
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace nchat::realtime {

class SlowModeGate {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    SlowModeGate(std::chrono::seconds max_interval, std::size_t max_keys);

    // Allowed: the send is recorded now (0 ms returned). Refused: the time left to wait.
    std::chrono::milliseconds pass(const std::string& key,
                                   std::chrono::seconds interval,
                                   TimePoint now);
    // A message that was let through but then not stored does not count.
    void forget(const std::string& key);

    std::size_t size() const;

private:
    const std::chrono::seconds max_interval_;
    const std::size_t max_keys_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, TimePoint> last_;  // guarded by mutex_
};

}  // namespace nchat::realtime
