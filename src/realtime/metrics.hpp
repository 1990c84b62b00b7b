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
namespace ws {
class Server;
}

class Metrics {
public:
    // `redis` may be null (one node).
    Metrics(prometheus::Registry& registry, Hub& hub, ws::Server& server, const RedisBus* redis);
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
        count_
    };
    void add(Counter c, std::uint64_t total);

    Hub& hub_;
    ws::Server& server_;
    const RedisBus* redis_;
    std::array<prometheus::Counter*, count_> counters_{};
    std::array<std::uint64_t, count_> seen_{};
    prometheus::Gauge* connections_ = nullptr;
    prometheus::Gauge* redis_up_ = nullptr;
};

}  // namespace nchat::realtime
