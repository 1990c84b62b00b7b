#include "util/ids.hpp"

#include <cstdio>

#include "util/base64.hpp"
#include "util/crypto.hpp"

namespace nchat::util {

std::string new_uuid() {
    auto b = random_bytes(16);
    b[6] = (b[6] & 0x0F) | 0x40;  // version 4 (RFC 9562 §5.4)
    b[8] = (b[8] & 0x3F) | 0x80;  // variant 10
    char buf[37];
    std::snprintf(buf, sizeof buf,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                  b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return buf;
}

bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

std::string new_secret() {
    return base64url_encode(random_bytes(32));
}

}  // namespace nchat::util
