#include "util/time.hpp"

#include <gtest/gtest.h>

namespace nchat::util {
namespace {

TEST(Iso8601, FormatsUtcWithMilliseconds) {
    Time t{std::chrono::milliseconds{1795963517123}};
    EXPECT_EQ(format_iso8601(t), "2026-11-29T14:45:17.123Z");
}

TEST(Iso8601, RoundTrips) {
    auto t = parse_iso8601("2026-11-24T14:45:17.123Z");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_iso8601(*t), "2026-11-24T14:45:17.123Z");
}

TEST(Iso8601, AppliesOffsets) {
    auto t = parse_iso8601("2026-11-24T16:45:17+02:00");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_iso8601(*t), "2026-11-24T14:45:17.000Z");
    auto u = parse_iso8601("2026-11-24T10:15:17.5-04:30");
    ASSERT_TRUE(u);
    EXPECT_EQ(format_iso8601(*u), "2026-11-24T14:45:17.500Z");
}

TEST(Iso8601, RejectsMalformed) {
    for (const char* s :
         {"", "2026-11-24", "2026-11-24T14:45:17", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
          "2026-11-24T24:00:00Z", "2026-11-24T14:45:17.Z", "2026-11-24T14:45:17Zjunk",
          "yesterday at noon", "2026-11-24T14:45:17+2"}) {
        EXPECT_FALSE(parse_iso8601(s)) << s;
    }
}

TEST(HttpDate, ImfFixdate) {
    auto t = parse_iso8601("1994-11-06T08:49:37Z");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_http_date(*t), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 7231 §7.1.1.1
}

}  // namespace
}  // namespace nchat::util
