// The STUN messages an ICE-lite server sends (RFC 8489): Binding responses, and the Binding
// requests a browser would send (tests, load generator).
#include <algorithm>

#include "util/byte_reader.hpp"
#include "webrtc/detail/stun_wire.hpp"
#include "webrtc/limits.hpp"
#include "webrtc/stun.hpp"

namespace nchat::webrtc {
namespace {

using namespace detail;  // NOLINT: wire constants

// RFC 8489 §5: the class bits C1 C0 sit at bits 8 and 4 of the type, the method in the rest.
std::uint16_t message_type(std::uint16_t method, StunClass cls) {
    auto c = static_cast<std::uint16_t>(cls);
    return static_cast<std::uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) |
                                      ((method & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7));
}

void set_length(std::vector<std::uint8_t>& msg, std::size_t body) {
    msg[2] = static_cast<std::uint8_t>(body >> 8);
    msg[3] = static_cast<std::uint8_t>(body);
}

// Starts a message: header with a length patched as attributes are added.
std::vector<std::uint8_t> begin(std::uint16_t type, const TransactionId& tid) {
    std::vector<std::uint8_t> msg;
    msg.reserve(128);
    util::ByteWriter w(msg);
    w.u16(type);
    w.u16(0);
    w.u32(kMagicCookie);
    w.bytes(tid);
    return msg;
}

void attribute(std::vector<std::uint8_t>& msg,
               std::uint16_t type,
               std::span<const std::uint8_t> value) {
    util::ByteWriter w(msg);
    w.u16(type);
    w.u16(static_cast<std::uint16_t>(value.size()));
    w.bytes(value);
    while (msg.size() % 4 != 0) {
        w.u8(0);
    }
    set_length(msg, msg.size() - kHeaderSize);
}

void attribute(std::vector<std::uint8_t>& msg, std::uint16_t type, std::string_view value) {
    attribute(msg, type,
              std::span(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
}

// MESSAGE-INTEGRITY then FINGERPRINT (RFC 8489 §14.5, §14.7): each is computed with the header
// length already counting the attribute being added.
void finish(std::vector<std::uint8_t>& msg, std::string_view password) {
    if (!password.empty()) {
        set_length(msg, msg.size() - kHeaderSize + 4 + kHmacSha1Size);
        auto mac = hmac_sha1(password, msg);
        attribute(msg, kMessageIntegrity, mac);
    }
    set_length(msg, msg.size() - kHeaderSize + 8);
    std::uint32_t fp = crc32(msg) ^ kFingerprintXor;
    std::vector<std::uint8_t> v;
    util::ByteWriter(v).u32(fp);
    attribute(msg, kFingerprint, v);
}

std::vector<std::uint8_t> xor_address(const boost::asio::ip::udp::endpoint& ep,
                                      const TransactionId& tid) {
    std::vector<std::uint8_t> v;
    util::ByteWriter w(v);
    auto addr = ep.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
        addr = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, addr.to_v6());
    }
    w.u8(0);
    w.u8(addr.is_v4() ? 0x01 : 0x02);
    w.u16(static_cast<std::uint16_t>(ep.port() ^ (kMagicCookie >> 16)));
    if (addr.is_v4()) {
        w.u32(addr.to_v4().to_uint() ^ kMagicCookie);
    } else {
        auto bytes = addr.to_v6().to_bytes();
        std::array<std::uint8_t, 16> mask{0x21, 0x12, 0xA4, 0x42};
        std::copy(tid.begin(), tid.end(), mask.begin() + 4);
        for (std::size_t i = 0; i < 16; ++i) {
            w.u8(bytes[i] ^ mask[i]);
        }
    }
    return v;
}

}  // namespace

std::vector<std::uint8_t> build_binding_success(const TransactionId& tid,
                                                const boost::asio::ip::udp::endpoint& mapped,
                                                std::string_view password) {
    auto msg = begin(message_type(kStunBinding, StunClass::success), tid);
    attribute(msg, kXorMappedAddress, xor_address(mapped, tid));
    finish(msg, password);
    return msg;
}

std::vector<std::uint8_t> build_binding_error(const TransactionId& tid,
                                              std::uint16_t code,
                                              std::string_view reason,
                                              std::string_view password,
                                              std::span<const std::uint16_t> unknown) {
    auto msg = begin(message_type(kStunBinding, StunClass::error), tid);
    std::vector<std::uint8_t> v;
    util::ByteWriter w(v);
    w.u16(0);
    w.u8(static_cast<std::uint8_t>((code / 100) & 0x07));
    w.u8(static_cast<std::uint8_t>(code % 100));
    w.bytes(reason.substr(0, limits::kMaxStunReason));
    attribute(msg, kErrorCode, v);
    if (!unknown.empty()) {
        v.clear();
        for (std::uint16_t a :
             unknown.first(std::min(unknown.size(), limits::kMaxStunAttributes))) {
            w.u16(a);
        }
        attribute(msg, kUnknownAttributes, v);
    }
    finish(msg, password);
    return msg;
}

std::vector<std::uint8_t> build_binding_request(const TransactionId& tid,
                                                std::string_view username,
                                                std::string_view password,
                                                std::uint32_t priority,
                                                std::uint64_t tiebreaker,
                                                bool use_candidate) {
    auto msg = begin(message_type(kStunBinding, StunClass::request), tid);
    attribute(msg, kUsername, username.substr(0, limits::kMaxStunUsername));
    std::vector<std::uint8_t> v;
    util::ByteWriter(v).u32(priority);
    attribute(msg, kPriority, v);
    v.clear();
    util::ByteWriter(v).u64(tiebreaker);
    attribute(msg, kIceControlling, v);
    if (use_candidate) attribute(msg, kUseCandidate, std::span<const std::uint8_t>{});
    finish(msg, password);
    return msg;
}

}  // namespace nchat::webrtc
