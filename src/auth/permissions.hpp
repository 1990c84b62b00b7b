#pragma once
// Who may do what to a stream (issue #3, Authentication and permissions). Pure functions,
// so the rules are tested in one place and every route asks the same question.
#include <optional>
#include <string>

#include "store/types.hpp"

namespace nchat::auth {

struct Principal {
    std::string user_id;
    store::Role role = store::Role::viewer;
    std::string name;
    bool guest = false;  // a guest token (auth/guest.hpp): always a viewer
    bool is_admin() const { return role == store::Role::admin; }
};

bool can_create_stream(const Principal& p);
// Update, start, end, delete, see or regenerate the key, grant access.
bool can_manage_stream(const Principal& p, const store::Stream& s);
// Public streams: anyone, anonymous included. Private: broadcaster, admins, granted users.
bool can_view_stream(const std::optional<Principal>& p,
                     const store::Stream& s,
                     bool has_access_grant);

}  // namespace nchat::auth
