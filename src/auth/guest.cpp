#include "auth/guest.hpp"

#include <nlohmann/json.hpp>

#include "util/ids.hpp"

namespace nchat::auth {

GuestToken issue_guest_token(std::string_view display_name,
                             std::string_view secret,
                             util::Time now) {
    GuestToken g;
    g.user_id = util::new_uuid();
    g.expires_at = now + std::chrono::duration_cast<std::chrono::milliseconds>(kGuestLifetime);
    const auto s = [](util::Time t) {
        return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    };
    const nlohmann::json payload = {
        {"sub", g.user_id}, {"role", "viewer"}, {"name", std::string(display_name)},
        {"guest", true},    {"iat", s(now)},    {"exp", s(g.expires_at)}};
    g.token = std::string(kGuestPrefix) + sign_jwt(payload.dump(), secret);
    return g;
}

JwtResult verify_guest_token(std::string_view token, std::string_view secret, util::Time now) {
    if (!is_guest_token(token) || secret.empty()) return {};
    auto r = verify_jwt(token.substr(kGuestPrefix.size()), secret, now, 0);
    if (r.claims) r.claims->role = store::Role::viewer;
    return r;
}

}  // namespace nchat::auth
