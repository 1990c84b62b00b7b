#pragma once
// What happens in a stream's room, on its way to every connected client (docs/realtime.md).
// The chat service publishes; the WebSocket rooms (and, on several nodes, Redis) deliver.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nchat::realtime {

// One event of the protocol's envelope: {"type","streamId","data"}.
struct Event {
    std::string stream_id;
    std::string type;  // "chat.message", "chat.deleted", "reaction", "viewers", ...
    nlohmann::json data;
    // Set: only this user's connections in the room receive it (a `moderation` event telling
    // the user they were banned or timed out). Unset: everyone in the room.
    std::optional<std::string> user_id;
};

// Sent to one user when a private stream's broadcaster takes their access away: their
// connections to that stream's room close, and their WHEP sessions of it end (docs/api.md,
// "Private playback").
inline constexpr std::string_view kAccessRevoked = "access.revoked";

// Delivers events to every node's rooms. publish() is thread-safe and never blocks: a backend
// that needs I/O (Redis) queues the event (bounded) and counts what it had to drop.
class EventBus {
public:
    virtual ~EventBus() = default;
    virtual void publish(Event e) = 0;
};

}  // namespace nchat::realtime
