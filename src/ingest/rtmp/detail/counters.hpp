#pragma once
#include <atomic>
#include <cstddef>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace nchat::ingest::rtmp::detail {

// The ingest's families in /metrics.
struct Counters {
    explicit Counters(prometheus::Registry& r)
        : connections(prometheus::BuildGauge()
                          .Name("nchat_rtmp_connections_open")
                          .Help("RTMP connections open")
                          .Register(r)
                          .Add({})),
          publishes(prometheus::BuildCounter()
                        .Name("nchat_rtmp_publishes_total")
                        .Help("RTMP publish attempts by result")
                        .Register(r)),
          bytes(prometheus::BuildCounter()
                    .Name("nchat_rtmp_received_bytes_total")
                    .Help("Bytes received from RTMP publishers")
                    .Register(r)
                    .Add({})),
          dropped(prometheus::BuildCounter()
                      .Name("nchat_rtmp_dropped_messages_total")
                      .Help("RTMP messages dropped, by reason")
                      .Register(r)),
          accepted(publishes.Add({{"result", "accepted"}})),
          refused(publishes.Add({{"result", "refused"}})),
          malformed(dropped.Add({{"reason", "malformed"}})),
          early(dropped.Add({{"reason", "before_publish"}})),
          closed(prometheus::BuildCounter()
                     .Name("nchat_rtmp_connections_closed_total")
                     .Help("RTMP connections refused or closed by the server's limits, by reason")
                     .Register(r)),
          over_max_connections(closed.Add({{"reason", "max_connections"}})),
          over_per_address(closed.Add({{"reason", "per_address"}})),
          handshake_timeout(closed.Add({{"reason", "handshake_timeout"}})),
          publish_timeout(closed.Add({{"reason", "publish_timeout"}})),
          pre_publish_limit(closed.Add({{"reason", "pre_publish_limit"}})) {}

    prometheus::Gauge& connections;
    prometheus::Family<prometheus::Counter>& publishes;
    prometheus::Counter& bytes;
    prometheus::Family<prometheus::Counter>& dropped;
    prometheus::Counter& accepted;
    prometheus::Counter& refused;
    prometheus::Counter& malformed;
    prometheus::Counter& early;
    prometheus::Family<prometheus::Counter>& closed;
    prometheus::Counter& over_max_connections;
    prometheus::Counter& over_per_address;
    prometheus::Counter& handshake_timeout;
    prometheus::Counter& publish_timeout;
    prometheus::Counter& pre_publish_limit;  // too many messages or bytes before the publish
    // Bytes held by the connections whose publish is not accepted yet, all together
    // (limits::kMaxPrePublishBytesTotal). Not a metric: the sessions' shared budget.
    std::atomic<std::size_t> pre_publish_bytes{0};
};

}  // namespace nchat::ingest::rtmp::detail
