#pragma once
// JWT (RFC 7519) signed with HS256 (RFC 7518 §3.2), so the chat application's own auth can
// call the API: `sub` is the user id (a UUID), `role` one of our roles.
#include <optional>
#include <string>
#include <string_view>

#include "store/types.hpp"
#include "util/clock.hpp"

namespace nchat::auth {

struct JwtClaims {
    std::string sub;
    store::Role role = store::Role::viewer;
    std::string name;  // optional "name" claim
};

enum class JwtError { malformed, bad_algorithm, bad_signature, expired, not_yet_valid, bad_claims };
std::string_view to_string(JwtError e);

struct JwtResult {
    std::optional<JwtClaims> claims;
    JwtError error = JwtError::malformed;
};

// Verifies signature (constant time), algorithm (only HS256; "none" is refused), exp and nbf
// (with `leeway` seconds), and the claims' shapes.
JwtResult verify_jwt(std::string_view token,
                     std::string_view secret,
                     util::Time now,
                     int leeway_seconds = 30);
// For tests and tools: signs `payload_json` with HS256.
std::string sign_jwt(std::string_view payload_json, std::string_view secret);

inline bool looks_like_jwt(std::string_view token) {
    auto first = token.find('.');
    return first != std::string_view::npos && token.find('.', first + 1) != std::string_view::npos;
}

}  // namespace nchat::auth
