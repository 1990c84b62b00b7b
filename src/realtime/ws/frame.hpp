#pragma once
// WebSocket frames as the server sends them (RFC 6455 §5.2: FIN set, never masked), built
// once and shared: every member of a room is sent the same bytes.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace nchat::realtime::ws {

// A complete frame, header included; immutable and shared by every queue that holds it.
using Frame = std::shared_ptr<const std::string>;

// A final text frame carrying `payload` (opcode 0x1).
std::string text_frame(std::string_view payload);
Frame make_text_frame(std::string_view payload);
// A close frame (opcode 0x8) with a status code and a reason of at most 123 bytes (§5.5).
std::string close_frame(std::uint16_t code, std::string_view reason);
// An empty ping frame (opcode 0x9).
std::string ping_frame();

}  // namespace nchat::realtime::ws
