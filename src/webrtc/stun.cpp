#include "webrtc/stun.hpp"

#include <algorithm>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/byte_reader.hpp"
#include "webrtc/detail/stun_wire.hpp"
#include "webrtc/limits.hpp"

namespace nchat::webrtc {
namespace {

using namespace detail;  // NOLINT: wire constants

class Category final : public std::error_category {
public:
    const char* name() const noexcept override { return "stun"; }
    std::string message(int ev) const override {
        switch (static_cast<StunError>(ev)) {
            case StunError::not_stun:
                return "not a STUN message";
            case StunError::truncated:
                return "attribute past the end of the message";
            case StunError::malformed:
                return "malformed attribute";
            case StunError::too_many_attributes:
                return "too many attributes";
            case StunError::too_large:
                return "message or attribute over its limit";
            case StunError::bad_fingerprint:
                return "wrong or misplaced FINGERPRINT";
        }
        return "unknown stun error";
    }
};

// Comprehension-required attributes (0x0000-0x7FFF) we understand or may safely pass over.
bool known_required(std::uint16_t type) {
    switch (type) {
        case kMappedAddress:
        case kUsername:
        case kMessageIntegrity:
        case kErrorCode:
        case kUnknownAttributes:
        case kRealm:
        case kNonce:
        case kXorMappedAddress:
        case kPriority:
        case kUseCandidate:
            return true;
        default:
            return false;
    }
}

constexpr std::array<std::uint32_t, 256> make_crc_table() {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) {
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        t[i] = c;
    }
    return t;
}
constexpr auto kCrcTable = make_crc_table();

std::optional<boost::asio::ip::udp::endpoint> read_xor_address(std::span<const std::uint8_t> v,
                                                               const TransactionId& tid) {
    util::ByteReader r(v);
    std::uint8_t zero = 0, family = 0;
    std::uint16_t xport = 0;
    if (!r.read_u8(zero) || !r.read_u8(family) || !r.read_u16(xport)) return std::nullopt;
    auto port = static_cast<std::uint16_t>(xport ^ (kMagicCookie >> 16));
    if (family == 0x01 && r.remaining() == 4) {
        std::uint32_t xaddr = 0;
        (void)r.read_u32(xaddr);
        return boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4(xaddr ^ kMagicCookie),
                                              port);
    }
    if (family == 0x02 && r.remaining() == 16) {
        std::array<std::uint8_t, 16> mask{0x21, 0x12, 0xA4, 0x42};
        std::copy(tid.begin(), tid.end(), mask.begin() + 4);
        boost::asio::ip::address_v6::bytes_type bytes{};
        for (std::size_t i = 0; i < 16; ++i) {
            bytes[i] = v[4 + i] ^ mask[i];
        }
        return boost::asio::ip::udp::endpoint(boost::asio::ip::address_v6(bytes), port);
    }
    return std::nullopt;
}

bool read_u32_value(std::span<const std::uint8_t> v, std::optional<std::uint32_t>& out) {
    util::ByteReader r(v);
    std::uint32_t x = 0;
    if (v.size() != 4 || !r.read_u32(x)) return false;
    out = x;
    return true;
}

bool read_u64_value(std::span<const std::uint8_t> v, std::optional<std::uint64_t>& out) {
    util::ByteReader r(v);
    std::uint64_t x = 0;
    if (v.size() != 8 || !r.read_u64(x)) return false;
    out = x;
    return true;
}

}  // namespace

// HMAC-SHA1 lives here with the parser; the builders call it through detail/stun_wire.hpp.
std::array<std::uint8_t, kHmacSha1Size> detail::hmac_sha1(std::string_view key,
                                                          std::span<const std::uint8_t> data) {
    std::array<std::uint8_t, kHmacSha1Size> out{};
    unsigned int len = 0;
    HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(),
         &len);
    return out;
}

const std::error_category& stun_error_category() {
    static const Category c;
    return c;
}

std::uint32_t crc32(std::span<const std::uint8_t> data) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::uint8_t b : data) {
        c = kCrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
    }
    return c ^ 0xFFFFFFFFu;
}

bool looks_like_stun(std::span<const std::uint8_t> datagram) {
    util::ByteReader r(datagram);
    std::uint16_t type = 0, length = 0;
    std::uint32_t cookie = 0;
    if (!r.read_u16(type) || !r.read_u16(length) || !r.read_u32(cookie)) return false;
    if (datagram.size() < kHeaderSize || datagram[0] > 3) return false;
    return cookie == kMagicCookie && length % 4 == 0 && length + kHeaderSize == datagram.size();
}

util::Result<StunMessage> parse_stun(std::span<const std::uint8_t> datagram) {
    if (datagram.size() > limits::kMaxStunMessage) return StunError::too_large;
    if (!looks_like_stun(datagram)) return StunError::not_stun;
    util::ByteReader r(datagram);
    std::uint16_t type = 0, length = 0;
    std::uint32_t cookie = 0;
    std::span<const std::uint8_t> tid;
    (void)r.read_u16(type);
    (void)r.read_u16(length);
    (void)r.read_u32(cookie);
    (void)r.read_bytes(12, tid);

    StunMessage m;
    m.method = static_cast<std::uint16_t>((type & 0x000F) | ((type & 0x00E0) >> 1) |
                                          ((type & 0x3E00) >> 2));
    m.cls = static_cast<StunClass>(((type >> 4) & 1) | ((type >> 7) & 2));
    std::copy(tid.begin(), tid.end(), m.transaction_id.begin());

    bool seen_username = false, seen_address = false, seen_error = false;
    std::size_t count = 0;
    while (!r.empty()) {
        if (++count > limits::kMaxStunAttributes) return StunError::too_many_attributes;
        const std::size_t offset = r.position();
        std::uint16_t at = 0, len = 0;
        std::span<const std::uint8_t> v;
        if (!r.read_u16(at) || !r.read_u16(len) || !r.read_bytes(len, v)) {
            return StunError::truncated;
        }
        if (!r.skip((4 - len % 4) % 4)) return StunError::truncated;

        if (at == kFingerprint) {
            // RFC 8489 §14.7: the last attribute, over everything before it.
            if (len != 4 || !r.empty()) return StunError::bad_fingerprint;
            std::optional<std::uint32_t> fp;
            (void)read_u32_value(v, fp);
            if ((crc32(datagram.first(offset)) ^ kFingerprintXor) != *fp) {
                return StunError::bad_fingerprint;
            }
            m.has_fingerprint = true;
            break;
        }
        if (m.integrity_offset != 0) continue;  // §14.5: ignored after MI

        switch (at) {
            case kUsername:
                if (len > limits::kMaxStunUsername) return StunError::too_large;
                if (!seen_username) {
                    m.username.emplace(reinterpret_cast<const char*>(v.data()), v.size());
                    seen_username = true;
                }
                break;
            case kMessageIntegrity:
                if (len != kHmacSha1Size) return StunError::malformed;
                m.integrity_offset = offset;
                break;
            case kPriority:
                if (!m.priority && !read_u32_value(v, m.priority)) return StunError::malformed;
                break;
            case kUseCandidate:
                if (len != 0) return StunError::malformed;
                m.use_candidate = true;
                break;
            case kIceControlling:
                if (!m.ice_controlling && !read_u64_value(v, m.ice_controlling)) {
                    return StunError::malformed;
                }
                break;
            case kIceControlled:
                if (!m.ice_controlled && !read_u64_value(v, m.ice_controlled)) {
                    return StunError::malformed;
                }
                break;
            case kErrorCode: {
                // §14.8: 21 reserved bits, class (3 bits, 3-6), number (0-99), reason.
                if (len < 4) return StunError::malformed;
                const int cls = v[2] & 0x07, number = v[3];
                if (cls < 3 || cls > 6 || number > 99) return StunError::malformed;
                if (!seen_error) m.error_code = static_cast<std::uint16_t>(cls * 100 + number);
                seen_error = true;
                break;
            }
            case kXorMappedAddress:
                if (!seen_address) {
                    m.xor_mapped_address = read_xor_address(v, m.transaction_id);
                    if (!m.xor_mapped_address) return StunError::malformed;
                    seen_address = true;
                }
                break;
            default:
                if (at < 0x8000 && !known_required(at) &&
                    std::find(m.unknown_required.begin(), m.unknown_required.end(), at) ==
                        m.unknown_required.end()) {
                    m.unknown_required.push_back(at);
                }
                break;
        }
    }
    return m;
}

bool verify_integrity(std::span<const std::uint8_t> datagram,
                      const StunMessage& m,
                      std::string_view password) {
    const std::size_t off = m.integrity_offset;
    if (off < kHeaderSize || off + 4 + kHmacSha1Size > datagram.size() ||
        datagram.size() > limits::kMaxStunMessage) {
        return false;
    }
    if (datagram[off] != 0x00 || datagram[off + 1] != 0x08 || datagram[off + 2] != 0x00 ||
        datagram[off + 3] != kHmacSha1Size) {
        return false;
    }
    std::array<std::uint8_t, limits::kMaxStunMessage> copy{};
    std::copy_n(datagram.begin(), off, copy.begin());
    const std::size_t body = off - kHeaderSize + 4 + kHmacSha1Size;
    copy[2] = static_cast<std::uint8_t>(body >> 8);
    copy[3] = static_cast<std::uint8_t>(body);
    auto mac = hmac_sha1(password, std::span(copy.data(), off));
    return CRYPTO_memcmp(mac.data(), datagram.data() + off + 4, kHmacSha1Size) == 0;
}

}  // namespace nchat::webrtc
