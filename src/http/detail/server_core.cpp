#include "http/detail/server_core.hpp"

#include "util/log.hpp"

namespace nchat::http::detail {

ServerCore::ServerCore(ServerOptions o, const Router& r, prometheus::Registry& registry)
    : opts(std::move(o)),
      router(r),
      metrics(registry),
      cors(opts.cors_origins),
      log(util::logger("http")),
      access(util::logger("access")),
      per_address(opts.max_connections_per_address) {
    if (!opts.web_root.empty()) files.emplace(opts.web_root);
}

bool ServerCore::add_session(const std::shared_ptr<Session>& s, std::uint64_t& id) {
    std::lock_guard lock(mu_);
    if (sessions_.size() >= opts.max_connections) return false;
    id = ++next_id_;
    sessions_.emplace(id, s);
    metrics.connections_open().Increment();
    return true;
}

void ServerCore::remove_session(std::uint64_t id) {
    std::unique_lock lock(mu_);
    if (sessions_.erase(id) == 0) return;
    if (!alive_) return;
    metrics.connections_open().Decrement();
    if (sessions_.empty() && stopping.load()) on_drained(lock);
}

std::size_t ServerCore::open_sessions() const {
    std::lock_guard lock(mu_);
    return sessions_.size();
}

void ServerCore::reject(Reject r, std::string_view peer, std::string_view detail) {
    auto i = static_cast<std::size_t>(r);
    metrics.rejected(r).Increment();
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
                   .count();
    auto last = last_warn_ms_[i].load(std::memory_order_relaxed);
    if (now - last < 1000 || !last_warn_ms_[i].compare_exchange_strong(last, now)) {
        suppressed_[i].fetch_add(1, std::memory_order_relaxed);
        return;
    }
    auto more = suppressed_[i].exchange(0, std::memory_order_relaxed);
    log->warn("peer={} rejected reason={}: {} ({} more since the last line)", peer, to_string(r),
              detail, more);
}

}  // namespace nchat::http::detail
