#include "auth/guest.hpp"

#include <gtest/gtest.h>

#include "util/base64.hpp"
#include "util/ids.hpp"
#include "util/time.hpp"

namespace nchat::auth {
namespace {

constexpr const char* kSecret = "guest-secret-0123456789abcdef0123456789";

util::Time at(const char* iso) {
    return *util::parse_iso8601(iso);
}

TEST(Guest, ATokenNamesANewViewerForADay) {
    const auto now = at("2026-12-03T10:00:00Z");
    const auto g = issue_guest_token("Zoë", kSecret, now);
    EXPECT_TRUE(g.token.starts_with("ncg_"));
    EXPECT_TRUE(util::is_uuid(g.user_id));
    EXPECT_EQ(util::format_iso8601(g.expires_at), "2026-12-04T10:00:00.000Z");
    auto r = verify_guest_token(g.token, kSecret, now + std::chrono::hours(23));
    ASSERT_TRUE(r.claims) << to_string(r.error);
    EXPECT_EQ(r.claims->sub, g.user_id);
    EXPECT_EQ(r.claims->name, "Zoë");
    EXPECT_EQ(r.claims->role, store::Role::viewer);
    EXPECT_NE(issue_guest_token("Zoë", kSecret, now).user_id, g.user_id) << "one id per token";
}

TEST(Guest, ExpiredOtherSecretOrAlteredIsRefused) {
    const auto now = at("2026-12-03T10:00:00Z");
    const auto g = issue_guest_token("Ann", kSecret, now);
    EXPECT_EQ(verify_guest_token(g.token, kSecret, now + std::chrono::hours(24)).error,
              JwtError::expired);
    EXPECT_EQ(verify_guest_token(g.token, "another-secret", now).error, JwtError::bad_signature);
    EXPECT_FALSE(verify_guest_token(g.token, "", now).claims) << "guests off";
    EXPECT_FALSE(verify_guest_token(g.token.substr(4), kSecret, now).claims) << "no prefix";
    std::string altered = g.token;
    altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify_guest_token(altered, kSecret, now).claims);
}

TEST(Guest, AlwaysAViewerWhateverTheTokenSays) {
    // A token signed with the guest secret that claims more (a leaked secret, a bug elsewhere)
    // still makes a viewer.
    const std::string payload =
        R"({"sub":")" + util::new_uuid() + R"(","role":"admin","name":"root","exp":4102444800})";
    const std::string token = std::string(kGuestPrefix) + sign_jwt(payload, kSecret);
    auto r = verify_guest_token(token, kSecret, at("2026-12-03T10:00:00Z"));
    ASSERT_TRUE(r.claims) << to_string(r.error);
    EXPECT_EQ(r.claims->role, store::Role::viewer);
}

}  // namespace
}  // namespace nchat::auth
