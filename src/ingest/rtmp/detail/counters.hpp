#pragma once
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
          early(dropped.Add({{"reason", "before_publish"}})) {}

    prometheus::Gauge& connections;
    prometheus::Family<prometheus::Counter>& publishes;
    prometheus::Counter& bytes;
    prometheus::Family<prometheus::Counter>& dropped;
    prometheus::Counter& accepted;
    prometheus::Counter& refused;
    prometheus::Counter& malformed;
    prometheus::Counter& early;
};

}  // namespace nchat::ingest::rtmp::detail
