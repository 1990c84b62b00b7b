#include "api/lifecycle.hpp"

namespace nchat::api {

using store::StreamStatus;

std::optional<Transition> plan_transition(StreamStatus from, LifecycleAction action) {
    switch (action) {
        case LifecycleAction::start:
            switch (from) {
                case StreamStatus::scheduled:
                case StreamStatus::preparing:
                    return Transition{StreamStatus::live};
                case StreamStatus::live:
                    return Transition{StreamStatus::live, false};
                case StreamStatus::ended:
                case StreamStatus::cancelled:
                    return std::nullopt;
            }
            break;
        case LifecycleAction::end:
            switch (from) {
                case StreamStatus::live:
                    return Transition{StreamStatus::ended};
                case StreamStatus::scheduled:
                case StreamStatus::preparing:
                    return Transition{StreamStatus::cancelled};
                case StreamStatus::ended:
                case StreamStatus::cancelled:
                    return Transition{from, false};
            }
            break;
    }
    return std::nullopt;
}

StreamStatus pending_status(const std::optional<util::Time>& scheduled_at, util::Time now) {
    return scheduled_at && *scheduled_at > now ? StreamStatus::scheduled : StreamStatus::preparing;
}

}  // namespace nchat::api
