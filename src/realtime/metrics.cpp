#include "realtime/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "realtime/hub.hpp"
#include "realtime/pubsub/redis_bus.hpp"
#include "realtime/pubsub/redis_limits.hpp"
#include "realtime/viewer_sessions.hpp"
#include "realtime/ws/server.hpp"

namespace nchat::realtime {
namespace {

prometheus::Counter& counter(prometheus::Registry& r, const char* name, const char* help) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(r).Add({});
}

}  // namespace

Metrics::Metrics(prometheus::Registry& registry,
                 Hub& hub,
                 ws::Server& server,
                 const RedisBus* redis,
                 const ViewerSessions* sessions,
                 const RedisLimits* limits)
    : hub_(hub), server_(server), redis_(redis), sessions_(sessions), limits_(limits) {
    auto& r = registry;
    counters_[events] = &counter(r, "nchat_realtime_events_total",
                                 "Room events fanned out (each shard counts each event)");
    counters_[deliveries] = &counter(r, "nchat_realtime_deliveries_total",
                                     "Event frames queued to WebSocket connections");
    counters_[dropped] = &counter(r, "nchat_realtime_dropped_total",
                                  "Event frames dropped because a connection's queue was full");
    counters_[slow_closed] = &counter(r, "nchat_realtime_slow_closed_total",
                                      "Connections closed for reading too slowly (1013)");
    counters_[heartbeat_closed] = &counter(r, "nchat_realtime_heartbeat_closed_total",
                                           "Connections dropped for not answering a ping");
    counters_[bad_frames] = &counter(r, "nchat_realtime_bad_frames_total",
                                     "Client messages answered with a protocol error");
    counters_[accepted] =
        &counter(r, "nchat_realtime_connections_total", "WebSocket connections accepted");
    counters_[rejected] = &counter(r, "nchat_realtime_rejected_total",
                                   "Upgrades refused (limit, shutdown, bad token)");
    connections_ = &prometheus::BuildGauge()
                        .Name("nchat_realtime_connections")
                        .Help("Open WebSocket connections on this node")
                        .Register(r)
                        .Add({});
    if (sessions_) {
        counters_[viewer_sessions] = &counter(r, "nchat_realtime_viewer_sessions_total",
                                              "Viewer sessions started and queued for storage");
        counters_[viewer_sessions_dropped] =
            &counter(r, "nchat_realtime_viewer_sessions_dropped_total",
                     "Viewer session rows not stored (queue full or storage failed)");
        open_sessions_ = &prometheus::BuildGauge()
                              .Name("nchat_realtime_viewer_sessions_open")
                              .Help("Viewer sessions open on this node")
                              .Register(r)
                              .Add({});
    }
    if (redis_) {
        counters_[redis_published] =
            &counter(r, "nchat_realtime_redis_published_total", "Messages published to Redis");
        counters_[redis_dropped] =
            &counter(r, "nchat_realtime_redis_dropped_total",
                     "Events not sent to other nodes (queue full or connection lost)");
        counters_[redis_received] = &counter(r, "nchat_realtime_redis_received_total",
                                             "Events from other nodes delivered here");
        redis_up_ = &prometheus::BuildGauge()
                         .Name("nchat_realtime_redis_subscribed")
                         .Help("1 while this node is subscribed to Redis")
                         .Register(r)
                         .Add({});
    }
    if (limits_) {
        counters_[limits_answered] =
            &counter(r, "nchat_realtime_shared_limits_answered_total",
                     "Rate-limit and slow-mode checks answered by Redis for every node");
        counters_[limits_fell_back] =
            &counter(r, "nchat_realtime_shared_limits_fallback_total",
                     "Checks this node decided alone: Redis unreachable, slow or queue full");
    }
}

void Metrics::add(Counter c, std::uint64_t total) {
    if (!counters_[c]) return;
    if (total > seen_[c]) counters_[c]->Increment(double(total - seen_[c]));
    seen_[c] = total;
}

void Metrics::refresh() {
    auto t = hub_.totals();
    add(events, t.events);
    add(deliveries, t.deliveries);
    add(dropped, t.dropped);
    add(slow_closed, t.slow_closed);
    add(heartbeat_closed, t.heartbeat_closed);
    add(bad_frames, t.bad_frames);
    auto s = server_.stats();
    add(accepted, s.accepted);
    add(rejected, s.rejected);
    connections_->Set(double(s.open));
    if (sessions_) {
        auto v = sessions_->stats();
        add(viewer_sessions, v.started);
        add(viewer_sessions_dropped, v.dropped);
        open_sessions_->Set(double(v.open));
    }
    if (redis_) {
        auto r = redis_->stats();
        add(redis_published, r.published);
        add(redis_dropped, r.publish_dropped);
        add(redis_received, r.received);
        redis_up_->Set(r.subscribed ? 1 : 0);
    }
    if (limits_) {
        add(limits_answered, limits_->answered());
        add(limits_fell_back, limits_->fell_back());
    }
}

}  // namespace nchat::realtime
