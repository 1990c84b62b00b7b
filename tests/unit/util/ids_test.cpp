#include "util/ids.hpp"

#include <set>

#include <gtest/gtest.h>

#include "util/base64.hpp"

namespace nchat::util {
namespace {

TEST(Ids, UuidsAreVersion4AndDistinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        auto id = new_uuid();
        EXPECT_TRUE(is_uuid(id)) << id;
        EXPECT_EQ(id[14], '4');
        EXPECT_TRUE(std::string("89ab").find(id[19]) != std::string::npos);
        EXPECT_TRUE(seen.insert(id).second);
    }
    EXPECT_FALSE(is_uuid("not-a-uuid"));
    EXPECT_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
}

TEST(Ids, SecretsAre256BitsUrlSafe) {
    auto s = new_secret();
    EXPECT_EQ(s.size(), 43u);
    EXPECT_EQ(
        s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    auto raw = base64url_decode(s);
    ASSERT_TRUE(raw);
    EXPECT_EQ(raw->size(), 32u);
    EXPECT_NE(new_secret(), s);
}

TEST(Base64Url, Rfc4648Vectors) {
    // RFC 4648 §10, in the URL-safe alphabet without padding.
    EXPECT_EQ(base64url_encode("f"), "Zg");
    EXPECT_EQ(base64url_encode("fo"), "Zm8");
    EXPECT_EQ(base64url_encode("foo"), "Zm9v");
    EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64url_encode(std::string("\xfb\xff", 2)), "-_8");
    EXPECT_EQ(base64url_decode("Zm9vYmE"), "fooba");
    EXPECT_EQ(base64url_decode("Zm9vYg=="), "foob");
    EXPECT_FALSE(base64url_decode("Zm9v!"));
    EXPECT_FALSE(base64url_decode("Z"));
}

}  // namespace
}  // namespace nchat::util
