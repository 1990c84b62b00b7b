// Every WebSocket client message reaches the decoder (docs/realtime.md): it must answer any
// bytes with a request or an error, never crash, and what it accepts must encode back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "realtime/protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The session never hands over more than its message limit.
    if (size > 16 * 1024) return 0;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    namespace p = nchat::realtime::protocol;
    auto d = p::decode(text);
    if (d.request) {
        const auto& r = *d.request;
        // An accepted request names its stream unless it needs none.
        if (r.type != p::RequestType::auth && r.type != p::RequestType::ping &&
            r.stream_id.empty()) {
            __builtin_trap();
        }
        (void)p::encode_ack(r.id, r.type, r.stream_id, nlohmann::json::object());
        (void)p::encode_event("chat.message", r.stream_id, nlohmann::json{{"content", r.content}});
    } else {
        if (d.error.code.empty() || d.error.message.empty()) __builtin_trap();
        (void)p::encode_error(d.error.id, d.error.stream_id, d.error.code, d.error.message,
                              d.error.field);
    }
    return 0;
}
