#pragma once
// The one state machine of a stream's status (docs/api.md, Lifecycle):
//
//   scheduled ──start──▶ live ──end──▶ ended
//   preparing ──start──▶ live
//   scheduled/preparing ──end──▶ cancelled   (never went live)
//   start on live, end on ended/cancelled: no change (a retried request succeeds)
//   start on ended/cancelled: refused (409 wrong_state)
#include <optional>

#include "store/types.hpp"

namespace nchat::api {

enum class LifecycleAction { start, end };

struct Transition {
    store::StreamStatus to;
    bool changes = true;
};

// nullopt = the action is illegal from `from`.
std::optional<Transition> plan_transition(store::StreamStatus from, LifecycleAction action);

// Status for a stream that has not gone live, from its schedule: a start time in the future
// means scheduled, otherwise preparing.
store::StreamStatus pending_status(const std::optional<util::Time>& scheduled_at, util::Time now);

}  // namespace nchat::api
