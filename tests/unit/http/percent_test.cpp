#include "http/detail/percent.hpp"

#include <gtest/gtest.h>

namespace nchat::http::detail {
namespace {

TEST(PercentDecode, DecodesPaths) {
    EXPECT_EQ(decode_path("/a%20b/%2e%2E/%2F"), "/a b/..//");
    EXPECT_EQ(decode_path("/plain+plus"), "/plain+plus");  // '+' is literal in a path
    EXPECT_EQ(decode_path(""), "");
}

TEST(PercentDecode, RejectsMalformedEscapesAndNul) {
    for (const char* p : {"/%", "/%2", "/%zz", "/%g0", "/a%00b", "/%0"}) {
        EXPECT_EQ(decode_path(p), std::nullopt) << p;
    }
}

TEST(PercentDecode, QueryComponents) {
    EXPECT_EQ(decode_query_component("a+b%2Bc"), "a b+c");
    EXPECT_EQ(decode_query_component("100%"), "100%");
    EXPECT_EQ(decode_query_component("%4"), "%4");
}

}  // namespace
}  // namespace nchat::http::detail
