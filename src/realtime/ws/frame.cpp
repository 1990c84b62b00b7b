#include "realtime/ws/frame.hpp"

namespace nchat::realtime::ws {
namespace {

constexpr unsigned char kFin = 0x80;
constexpr unsigned char kText = 0x1;
constexpr unsigned char kClose = 0x8;
constexpr unsigned char kPing = 0x9;

// §5.2: 7-bit length, or 126 + 16-bit, or 127 + 64-bit, network byte order; no mask bit.
void put_header(std::string& out, unsigned char opcode, std::uint64_t len) {
    out.push_back(static_cast<char>(kFin | opcode));
    if (len < 126) {
        out.push_back(static_cast<char>(len));
    } else if (len <= 0xffff) {
        out.push_back(static_cast<char>(126));
        out.push_back(static_cast<char>((len >> 8) & 0xff));
        out.push_back(static_cast<char>(len & 0xff));
    } else {
        out.push_back(static_cast<char>(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.push_back(static_cast<char>((len >> shift) & 0xff));
    }
}

}  // namespace

std::string text_frame(std::string_view payload) {
    std::string out;
    out.reserve(payload.size() + 10);
    put_header(out, kText, payload.size());
    out.append(payload);
    return out;
}

Frame make_text_frame(std::string_view payload) {
    return std::make_shared<const std::string>(text_frame(payload));
}

std::string close_frame(std::uint16_t code, std::string_view reason) {
    reason = reason.substr(0, 123);
    std::string out;
    put_header(out, kClose, 2 + reason.size());
    out.push_back(static_cast<char>(code >> 8));
    out.push_back(static_cast<char>(code & 0xff));
    out.append(reason);
    return out;
}

std::string ping_frame() {
    std::string out;
    put_header(out, kPing, 0);
    return out;
}

}  // namespace nchat::realtime::ws
