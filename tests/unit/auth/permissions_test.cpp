#include "auth/permissions.hpp"

#include <gtest/gtest.h>

namespace nchat::auth {
namespace {

using store::Role;

store::Stream stream_of(const std::string& owner, bool is_private) {
    store::Stream s;
    s.broadcaster_id = owner;
    s.is_private = is_private;
    return s;
}

TEST(Permissions, OnlyBroadcastersAndAdminsCreate) {
    EXPECT_TRUE(can_create_stream({"u", Role::admin, ""}));
    EXPECT_TRUE(can_create_stream({"u", Role::broadcaster, ""}));
    EXPECT_FALSE(can_create_stream({"u", Role::moderator, ""}));
    EXPECT_FALSE(can_create_stream({"u", Role::viewer, ""}));
}

TEST(Permissions, OwnerOrAdminManages) {
    auto s = stream_of("owner", false);
    EXPECT_TRUE(can_manage_stream({"owner", Role::broadcaster, ""}, s));
    EXPECT_TRUE(can_manage_stream({"someone", Role::admin, ""}, s));
    EXPECT_FALSE(can_manage_stream({"other", Role::broadcaster, ""}, s));
    EXPECT_FALSE(can_manage_stream({"other", Role::moderator, ""}, s));
    EXPECT_FALSE(can_manage_stream({"", Role::broadcaster, ""}, stream_of("", false)));
}

TEST(Permissions, PrivateStreamsVisibleToOwnerAdminAndGranted) {
    auto pub = stream_of("owner", false);
    auto priv = stream_of("owner", true);
    EXPECT_TRUE(can_view_stream(std::nullopt, pub, false));
    EXPECT_FALSE(can_view_stream(std::nullopt, priv, false));
    EXPECT_TRUE(can_view_stream(Principal{"owner", Role::broadcaster, ""}, priv, false));
    EXPECT_TRUE(can_view_stream(Principal{"x", Role::admin, ""}, priv, false));
    EXPECT_FALSE(can_view_stream(Principal{"x", Role::viewer, ""}, priv, false));
    EXPECT_TRUE(can_view_stream(Principal{"x", Role::viewer, ""}, priv, true));
}

}  // namespace
}  // namespace nchat::auth
