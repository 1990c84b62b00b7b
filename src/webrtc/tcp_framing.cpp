#include "webrtc/tcp_framing.hpp"

#include <cassert>
#include <string>

namespace nchat::webrtc {
namespace {

class Category final : public std::error_category {
public:
    const char* name() const noexcept override { return "rfc4571"; }
    std::string message(int ev) const override {
        switch (static_cast<TcpFramingError>(ev)) {
            case TcpFramingError::need_more:
                return "incomplete frame";
            case TcpFramingError::too_large:
                return "frame length over the limit";
        }
        return "unknown framing error";
    }
};

}  // namespace

const std::error_category& tcp_framing_category() {
    static const Category c;
    return c;
}

util::Result<std::span<const std::uint8_t>> read_rfc4571_frame(util::ByteReader& in,
                                                               std::size_t max_payload) {
    util::ByteReader probe = in;  // consume nothing unless the whole frame is there
    std::uint16_t len = 0;
    if (!probe.read_u16(len)) return TcpFramingError::need_more;
    if (len > max_payload) return TcpFramingError::too_large;
    std::span<const std::uint8_t> payload;
    if (!probe.read_bytes(len, payload)) return TcpFramingError::need_more;
    in = probe;
    return payload;
}

void append_rfc4571_frame(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> payload) {
    assert(payload.size() <= 0xFFFF);
    out.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(payload.size() & 0xFF));
    out.insert(out.end(), payload.begin(), payload.end());
}

}  // namespace nchat::webrtc
