// What other nodes send through Redis (docs/realtime.md, "Several nodes") reaches these
// decoders: events, viewer counts and origin announcements. Any bytes: a value or nullopt,
// never a crash; what is accepted encodes and decodes back to the same.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "realtime/pubsub/redis_bus.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    namespace r = nchat::realtime;
    if (auto e = r::decode_bus_event(text)) {
        auto again = r::decode_bus_event(r::encode_bus_event(e->node, e->event));
        if (!again || again->node != e->node || again->event.stream_id != e->event.stream_id ||
            again->event.type != e->event.type || again->event.user_id != e->event.user_id) {
            __builtin_trap();
        }
    }
    if (auto p = r::decode_presence(text)) {
        auto again = r::decode_presence(r::encode_presence(p->first, p->second));
        if (!again || again->first != p->first || again->second.size() != p->second.size()) {
            __builtin_trap();
        }
    }
    if (auto o = r::decode_origins(text)) {
        auto again = r::decode_origins(r::encode_origins(*o));
        if (!again || again->node != o->node || again->url != o->url ||
            again->streams != o->streams) {
            __builtin_trap();
        }
    }
    try {
        auto u = r::parse_redis_url(std::string(text));
        if (u.host.empty() || u.port <= 0 || u.port > 65535) __builtin_trap();
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
