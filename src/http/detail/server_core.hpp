#pragma once
// What every session of one Server shares: options, router, metrics, CORS, static files, the
// registry of live sessions (for graceful stop) and the rate limit of warnings.
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "http/detail/cors.hpp"
#include "http/detail/metrics.hpp"
#include "http/detail/static_files.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "util/address_limit.hpp"

namespace nchat::http::detail {

class Session;

class ServerCore {
public:
    ServerCore(ServerOptions opts, const Router& router, prometheus::Registry& registry);
    virtual ~ServerCore() = default;

    const ServerOptions opts;
    const Router& router;
    HttpMetrics metrics;
    const Cors cors;
    std::optional<StaticFiles> files;  // when opts.web_root is set
    std::shared_ptr<spdlog::logger> log;
    std::shared_ptr<spdlog::logger> access;
    std::atomic<bool> stopping{false};
    util::AddressLimit per_address;  // opts.max_connections_per_address

    // Any thread. False (and the session is not registered) beyond max_connections.
    bool add_session(const std::shared_ptr<Session>& s, std::uint64_t& id);
    void remove_session(std::uint64_t id);
    std::size_t open_sessions() const;

    // A misbehaving client is logged at most once a second per reason; the rest are counted.
    void reject(Reject r, std::string_view peer, std::string_view detail);

protected:
    // Under mu_. Called when the last session leaves a stopping server.
    virtual void on_drained(std::unique_lock<std::mutex>& lock) = 0;

    mutable std::mutex mu_;
    bool alive_ = true;  // false once the Server is destroyed: metrics may be gone
    std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions_;
    std::uint64_t next_id_ = 0;

private:
    std::array<std::atomic<std::int64_t>, kRejectReasons> last_warn_ms_{};
    std::array<std::atomic<std::uint64_t>, kRejectReasons> suppressed_{};
};

}  // namespace nchat::http::detail
