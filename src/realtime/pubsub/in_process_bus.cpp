#include "realtime/pubsub/in_process_bus.hpp"

#include "realtime/hub.hpp"

namespace nchat::realtime {

void InProcessBus::publish(Event e) {
    hub_.deliver(e);
}

}  // namespace nchat::realtime
