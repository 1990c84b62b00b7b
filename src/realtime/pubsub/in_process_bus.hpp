#pragma once
// The default EventBus: one node, so publishing is delivering to this node's rooms.
#include "realtime/events.hpp"

namespace nchat::realtime {

class Hub;

class InProcessBus final : public EventBus {
public:
    explicit InProcessBus(Hub& hub) : hub_(hub) {}
    void publish(Event e) override;

private:
    Hub& hub_;
};

}  // namespace nchat::realtime
