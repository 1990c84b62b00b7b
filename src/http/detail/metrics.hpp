#pragma once
// The HTTP server's Prometheus families. Labels are bounded: `route` is a route pattern or
// "static"/"unmatched", never a raw path.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http/verb.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace nchat::http::detail {

enum class Reject {
    header_too_large,
    body_too_large,
    bad_request,
    timeout,
    too_many_connections,
    too_many_from_address,
    bad_framing
};
inline constexpr std::size_t kRejectReasons = 7;
std::string_view to_string(Reject r);

class HttpMetrics {
public:
    explicit HttpMetrics(prometheus::Registry& registry);

    // Thread-safe; each call locks the family (sessions cache the results: RequestMetricsCache).
    prometheus::Counter& requests(std::string_view route,
                                  boost::beast::http::verb method,
                                  unsigned status);
    prometheus::Histogram& duration(std::string_view route);
    prometheus::Gauge& connections_open() { return open_; }
    prometheus::Counter& rejected(Reject r) { return *rejected_[static_cast<std::size_t>(r)]; }

private:
    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Family<prometheus::Histogram>& duration_;
    prometheus::Gauge& open_;
    std::array<prometheus::Counter*, kRejectReasons> rejected_{};
};

// One connection's recently used series, so that a keep-alive connection repeating a request
// skips the family lookups (a lock and a label hash). Bounded; on the session's strand.
class RequestMetricsCache {
public:
    void record(HttpMetrics& m,
                std::string_view route,
                boost::beast::http::verb method,
                unsigned status,
                double seconds);

private:
    struct Entry {
        std::string route;
        boost::beast::http::verb method;
        unsigned status;
        prometheus::Counter* counter;
        prometheus::Histogram* histogram;
    };
    static constexpr std::size_t kMaxEntries = 8;
    std::array<Entry, kMaxEntries> entries_{};
    std::size_t size_ = 0;
    std::size_t next_ = 0;  // round-robin replacement once full
};

}  // namespace nchat::http::detail
