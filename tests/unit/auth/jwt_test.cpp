#include "auth/jwt.hpp"

#include <gtest/gtest.h>

#include "util/base64.hpp"
#include "util/time.hpp"

namespace nchat::auth {
namespace {

constexpr const char* kSecret = "test-secret-that-is-long-enough-0123456789";
constexpr const char* kUser = "0b8f6c2e-4a8e-4d1e-9c7a-2f6b1e3d5a90";

util::Time at(const char* iso) {
    return *util::parse_iso8601(iso);
}

TEST(Jwt, VerifiesWhatItSigns) {
    auto token = sign_jwt(std::string(R"({"sub":")") + kUser +
                              R"(","role":"broadcaster","name":"Ann","exp":1900000000})",
                          kSecret);
    auto r = verify_jwt(token, kSecret, at("2026-11-24T00:00:00Z"));
    ASSERT_TRUE(r.claims) << to_string(r.error);
    EXPECT_EQ(r.claims->sub, kUser);
    EXPECT_EQ(r.claims->role, store::Role::broadcaster);
    EXPECT_EQ(r.claims->name, "Ann");
}

TEST(Jwt, KnownVectorFromAnotherImplementation) {
    // Signed outside this code base with Python's hmac.new(b"secret", header.payload, sha256);
    // payload {"sub":"0b8f6c2e-4a8e-4d1e-9c7a-2f6b1e3d5a90","role":"viewer"}.
    const std::string token =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJzdWIiOiIwYjhmNmMyZS00YThlLTRkMWUtOWM3YS0yZjZiMWUzZDVhOTAiLCJyb2xlIjoidmlld2VyIn0."
        "VBy3Jiv1ES0i4hKR241iwRScFpbhZFa6qu3ZMphZKEs";
    auto r = verify_jwt(token, "secret", at("2026-11-24T00:00:00Z"));
    ASSERT_TRUE(r.claims) << to_string(r.error);
    EXPECT_EQ(r.claims->role, store::Role::viewer);
    EXPECT_EQ(
        sign_jwt(R"({"sub":"0b8f6c2e-4a8e-4d1e-9c7a-2f6b1e3d5a90","role":"viewer"})", "secret"),
        token);
}

TEST(Jwt, RejectsTamperingAndWrongSecret) {
    auto token = sign_jwt(std::string(R"({"sub":")") + kUser + R"(","role":"viewer"})", kSecret);
    auto now = at("2026-11-24T00:00:00Z");
    EXPECT_EQ(verify_jwt(token, "other-secret", now).error, JwtError::bad_signature);
    auto forged = sign_jwt(std::string(R"({"sub":")") + kUser + R"(","role":"admin"})", "x");
    auto dot = token.rfind('.');
    auto mixed = forged.substr(0, forged.rfind('.')) + token.substr(dot);
    EXPECT_EQ(verify_jwt(mixed, kSecret, now).error, JwtError::bad_signature);
}

TEST(Jwt, RefusesAlgNone) {
    std::string token =
        util::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
        util::base64url_encode(std::string(R"({"sub":")") + kUser + R"(","role":"admin"})") + ".";
    auto r = verify_jwt(token, kSecret, at("2026-11-24T00:00:00Z"));
    EXPECT_FALSE(r.claims);
    EXPECT_EQ(r.error, JwtError::bad_algorithm);
}

TEST(Jwt, ChecksTimesWithLeeway) {
    auto token = sign_jwt(std::string(R"({"sub":")") + kUser +
                              R"(","role":"viewer","exp":1795996800,"nbf":1795910400})",
                          kSecret);  // exp 2026-11-30T00:00Z, nbf 2026-11-29T00:00Z
    EXPECT_EQ(verify_jwt(token, kSecret, at("2026-11-30T00:00:29Z")).claims.has_value(), true);
    EXPECT_EQ(verify_jwt(token, kSecret, at("2026-11-30T00:00:31Z")).error, JwtError::expired);
    EXPECT_EQ(verify_jwt(token, kSecret, at("2026-11-28T23:59:00Z")).error,
              JwtError::not_yet_valid);
}

TEST(Jwt, RequiresUuidSubjectAndKnownRole) {
    auto now = at("2026-11-24T00:00:00Z");
    for (const char* payload :
         {R"({"role":"viewer"})", R"({"sub":"alice","role":"viewer"})",
          R"({"sub":"0b8f6c2e-4a8e-4d1e-9c7a-2f6b1e3d5a90","role":"root"})",
          R"({"sub":"0b8f6c2e-4a8e-4d1e-9c7a-2f6b1e3d5a90","role":"viewer","exp":"soon"})"}) {
        EXPECT_EQ(verify_jwt(sign_jwt(payload, kSecret), kSecret, now).error, JwtError::bad_claims)
            << payload;
    }
}

TEST(Jwt, MalformedInputsNeverCrash) {
    auto now = at("2026-11-24T00:00:00Z");
    for (const char* t :
         {"", ".", "..", "a.b.c", "a.b.c.d", "!!!.???.***", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.x"}) {
        EXPECT_FALSE(verify_jwt(t, kSecret, now).claims) << t;
    }
    EXPECT_FALSE(verify_jwt(std::string(10000, 'a') + ".b.c", kSecret, now).claims);
    EXPECT_TRUE(looks_like_jwt("a.b.c"));
    EXPECT_FALSE(looks_like_jwt("ncl_abc"));
}

}  // namespace
}  // namespace nchat::auth
