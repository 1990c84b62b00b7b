#include "transcode/detail/shedder.hpp"

#include <algorithm>

namespace nchat::transcode::detail {

ShedAction Shedder::update(Clock::time_point now,
                           std::chrono::milliseconds lag,
                           std::optional<double> speed,
                           int level,
                           int max_level) {
    using std::chrono::milliseconds;
    if (policy_.shed_lag.count() <= 0) return ShedAction::none;
    if (lag > policy_.shed_lag) {
        calm_since_.reset();
        if (level >= max_level) return ShedAction::none;
        if (last_change_ && now - *last_change_ < policy_.cooldown) return ShedAction::none;
        // A backlog that is draining fast enough (a burst of cached packets at attach, a
        // publisher catching up after a stall) is not overload: it is gone within ~10 s.
        const double lag_s = std::chrono::duration<double>(lag).count();
        if (speed && *speed >= 1.0 + lag_s / 10.0) return ShedAction::none;
        if (last_recovery_ && now - *last_recovery_ < 3 * policy_.recover_after) {
            backoff_ = std::min(backoff_ * 2, 32);
        }
        last_change_ = now;
        return ShedAction::escalate;
    }
    if (lag > policy_.recover_lag || level == 0) {
        calm_since_.reset();
        if (level == 0 && last_recovery_ && now - *last_recovery_ > 6 * policy_.recover_after) {
            backoff_ = 1;
        }
        return ShedAction::none;
    }
    if (!calm_since_) calm_since_ = now;
    const auto wait = policy_.recover_after * backoff_;
    if (now - *calm_since_ < wait) return ShedAction::none;
    if (last_change_ && now - *last_change_ < wait) return ShedAction::none;
    last_change_ = now;
    last_recovery_ = now;
    calm_since_ = now;
    return ShedAction::deescalate;
}

}  // namespace nchat::transcode::detail
