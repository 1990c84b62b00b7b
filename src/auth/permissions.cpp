#include "auth/permissions.hpp"

namespace nchat::auth {

bool can_create_stream(const Principal& p) {
    return p.role == store::Role::admin || p.role == store::Role::broadcaster;
}

bool can_manage_stream(const Principal& p, const store::Stream& s) {
    return p.is_admin() || (!p.user_id.empty() && p.user_id == s.broadcaster_id);
}

bool can_view_stream(const std::optional<Principal>& p,
                     const store::Stream& s,
                     bool has_access_grant) {
    if (!s.is_private) return true;
    if (!p) return false;
    return can_manage_stream(*p, s) || has_access_grant;
}

}  // namespace nchat::auth
