#pragma once
// Guest identities (docs/api.md, "Guests"): a viewer with no account picks a display name and
// gets a short-lived token to chat and react with. The token is a JWT (HS256) under the server's
// guest secret, behind the prefix "ncg_": nothing is stored, any node with the same secret
// accepts it, and it is never mistaken for the chat application's JWTs (another secret) nor for
// an API token ("ncl_"). A guest is always a viewer, whatever the token says.
#include <chrono>
#include <string>
#include <string_view>

#include "auth/jwt.hpp"
#include "util/clock.hpp"

namespace nchat::auth {

inline constexpr std::string_view kGuestPrefix = "ncg_";
inline constexpr std::chrono::hours kGuestLifetime{24};

struct GuestToken {
    std::string token;
    std::string user_id;  // a new UUID per token
    util::Time expires_at{};
};

GuestToken issue_guest_token(std::string_view display_name,
                             std::string_view secret,
                             util::Time now);

inline bool is_guest_token(std::string_view token) {
    return token.starts_with(kGuestPrefix);
}

// The claims of a token that is_guest_token, with the role forced to viewer.
JwtResult verify_guest_token(std::string_view token, std::string_view secret, util::Time now);

}  // namespace nchat::auth
