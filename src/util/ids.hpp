#pragma once
// Identifiers: random (v4) UUIDs for rows, and URL-safe secrets for keys and tokens.
#include <string>
#include <string_view>

namespace nchat::util {

std::string new_uuid();
// Lower- or upper-case canonical 8-4-4-4-12 form.
bool is_uuid(std::string_view s);
// 256 bits from the CSPRNG, base64url without padding (43 characters).
std::string new_secret();

}  // namespace nchat::util
