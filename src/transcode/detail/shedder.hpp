#pragma once
// When to shed load and when to take it back (DESIGN.md, Threads: "when it falls behind real
// time it drops work on purpose"). Pure: the worker feeds it its lag and speed, and applies
// the steps (lowest rung first, then frames; recovery in reverse). Times are injected.
#include <chrono>
#include <optional>

namespace nchat::transcode::detail {

struct ShedPolicy {
    std::chrono::milliseconds shed_lag{1000};  // 0 = never shed
    std::chrono::milliseconds cooldown{2000};
    std::chrono::milliseconds recover_lag{250};
    std::chrono::milliseconds recover_after{10000};
};

enum class ShedAction { none, escalate, deescalate };

class Shedder {
public:
    using Clock = std::chrono::steady_clock;

    explicit Shedder(ShedPolicy policy) : policy_(policy) {}

    // `lag`: age of the oldest frame not yet out of the transcoder. `speed`: media seconds
    // processed per second of busy (not idle) worker time, over the last second or so; a
    // backlog drains when it is above 1. `level`: steps taken so far; `max_level`: steps
    // available.
    ShedAction update(Clock::time_point now,
                      std::chrono::milliseconds lag,
                      std::optional<double> speed,
                      int level,
                      int max_level);

private:
    ShedPolicy policy_;
    std::optional<Clock::time_point> last_change_;
    std::optional<Clock::time_point> calm_since_;
    // Recovering into the same overload again soon doubles the wait before the next try.
    int backoff_ = 1;
    std::optional<Clock::time_point> last_recovery_;
};

}  // namespace nchat::transcode::detail
