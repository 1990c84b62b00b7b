#pragma once
// The realtime layer's Prometheus series (docs/realtime.md, Metrics). The hot paths count in
// plain per-shard counters; refresh() (before each scrape) carries the totals over.
#include <array>
#include <cstdint>

namespace prometheus {
class Registry;
class Counter;
class Gauge;
}  // namespace prometheus

namespace nchat::realtime {

class Hub;
class RedisBus;
class RedisLimits;
class ViewerSessions;
namespace ws {
class Server;
}

class Metrics {
public:
    // `redis` and `limits` may be null (one node); so may `sessions` (not recorded).
    Metrics(prometheus::Registry& registry,
            Hub& hub,
            ws::Server& server,
            const RedisBus* redis,
            const ViewerSessions* sessions = nullptr,
            const RedisLimits* limits = nullptr);
    void refresh();

private:
    enum Counter {
        events,
        deliveries,
        dropped,
        slow_closed,
        heartbeat_closed,
        bad_frames,
        accepted,
        rejected,
        redis_published,
        redis_dropped,
        redis_received,
        viewer_sessions,
        viewer_sessions_dropped,
        limits_answered,
        limits_fell_back,
        count_
    };
    void add(Counter c, std::uint64_t total);

    Hub& hub_;
    ws::Server& server_;
    const RedisBus* redis_;
    const ViewerSessions* sessions_;
    const RedisLimits* limits_;
    std::array<prometheus::Counter*, count_> counters_{};
    std::array<std::uint64_t, count_> seen_{};
    prometheus::Gauge* connections_ = nullptr;
    prometheus::Gauge* redis_up_ = nullptr;
    prometheus::Gauge* open_sessions_ = nullptr;
};

}  // namespace nchat::realtime
