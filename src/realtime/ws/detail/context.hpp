#pragma once
// What every session of one ws::Server shares.
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

#include <spdlog/spdlog.h>

#include "realtime/ws/server.hpp"

namespace nchat::realtime::ws {

struct Server::Context {
    Context(Hub& h, Service* s, Authenticator a, Options o, std::shared_ptr<spdlog::logger> l)
        : hub(h), service(s), authenticate(std::move(a)), opts(o), log(std::move(l)) {}

    Hub& hub;
    Service* service;
    Authenticator authenticate;
    Options opts;
    std::shared_ptr<spdlog::logger> log;

    std::atomic<std::int64_t> open{0};  // sessions alive
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> rejected{0};
    std::atomic<bool> stopping{false};

    std::mutex mu;
    std::function<void()> on_drained;  // under mu; run once when open reaches 0 while stopping

    // A misbehaving client is logged at most once a second per reason (STYLE.md, Logging);
    // the rest are counters.
    enum class Warn { slow, flood, heartbeat, auth_timeout, count_ };
    std::array<std::atomic<std::int64_t>, std::size_t(Warn::count_)> last_warn_ms{};
    bool should_warn(Warn w) {
        auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
        auto& last = last_warn_ms[std::size_t(w)];
        auto prev = last.load(std::memory_order_relaxed);
        return now - prev >= 1000 && last.compare_exchange_strong(prev, now);
    }

    void session_gone() {
        if (open.fetch_sub(1) == 1 && stopping.load()) drained();
    }
    void drained() {
        std::function<void()> f;
        {
            std::lock_guard lock(mu);
            f = std::exchange(on_drained, nullptr);
        }
        if (f) f();
    }
};

}  // namespace nchat::realtime::ws
