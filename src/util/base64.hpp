#pragma once
// Base64url (RFC 4648 §5) without padding, as JWTs and our stream keys use it.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nchat::util {

std::string base64url_encode(std::span<const std::uint8_t> data);
inline std::string base64url_encode(std::string_view s) {
    return base64url_encode(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}
// Accepts input with or without '=' padding; nullopt on any character outside the alphabet.
std::optional<std::string> base64url_decode(std::string_view s);

}  // namespace nchat::util
