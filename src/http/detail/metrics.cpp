#include "http/detail/metrics.hpp"

namespace nchat::http::detail {
namespace {

const prometheus::Histogram::BucketBoundaries& duration_buckets() {
    static const prometheus::Histogram::BucketBoundaries b{
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
    return b;
}

}  // namespace

std::string_view to_string(Reject r) {
    switch (r) {
        case Reject::header_too_large:
            return "header_too_large";
        case Reject::body_too_large:
            return "body_too_large";
        case Reject::bad_request:
            return "bad_request";
        case Reject::timeout:
            return "timeout";
        case Reject::too_many_connections:
            return "too_many_connections";
        case Reject::too_many_from_address:
            return "too_many_from_address";
        case Reject::bad_framing:
            return "bad_framing";
    }
    return "unknown";
}

HttpMetrics::HttpMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("nchat_http_requests_total")
                    .Help("HTTP requests answered, by route pattern, method and status")
                    .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("nchat_http_request_duration_seconds")
                    .Help("Time from a complete request to its response ready to send")
                    .Register(registry)),
      open_(prometheus::BuildGauge()
                .Name("nchat_http_connections_open")
                .Help("Open HTTP connections")
                .Register(registry)
                .Add({})) {
    auto& rejected = prometheus::BuildCounter()
                         .Name("nchat_http_rejected_total")
                         .Help("Requests or connections refused before routing, by reason")
                         .Register(registry);
    for (std::size_t i = 0; i < kRejectReasons; ++i) {
        rejected_[i] = &rejected.Add({{"reason", std::string(to_string(static_cast<Reject>(i)))}});
    }
}

prometheus::Counter& HttpMetrics::requests(std::string_view route,
                                           boost::beast::http::verb method,
                                           unsigned status) {
    return requests_.Add({{"route", std::string(route)},
                          {"method", std::string(boost::beast::http::to_string(method))},
                          {"status", std::to_string(status)}});
}

prometheus::Histogram& HttpMetrics::duration(std::string_view route) {
    return duration_.Add({{"route", std::string(route)}}, duration_buckets());
}

void RequestMetricsCache::record(HttpMetrics& m,
                                 std::string_view route,
                                 boost::beast::http::verb method,
                                 unsigned status,
                                 double seconds) {
    for (std::size_t i = 0; i < size_; ++i) {
        auto& e = entries_[i];
        if (e.method == method && e.status == status && e.route == route) {
            e.counter->Increment();
            e.histogram->Observe(seconds);
            return;
        }
    }
    Entry e{std::string(route), method, status, &m.requests(route, method, status),
            &m.duration(route)};
    e.counter->Increment();
    e.histogram->Observe(seconds);
    if (size_ < kMaxEntries) {
        entries_[size_++] = std::move(e);
    } else {
        entries_[next_] = std::move(e);
        next_ = (next_ + 1) % kMaxEntries;
    }
}

}  // namespace nchat::http::detail
