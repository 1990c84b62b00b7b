#include "http/range.hpp"

#include <gtest/gtest.h>

namespace nchat::http {
namespace {

TEST(ByteRange, TheThreeFormsOfOneRange) {
    ByteRange r;
    ASSERT_EQ(parse_byte_range("bytes=0-99", 1000, r), RangeCheck::partial);
    EXPECT_EQ(r.first, 0u);
    EXPECT_EQ(r.length, 100u);
    ASSERT_EQ(parse_byte_range("bytes=900-", 1000, r), RangeCheck::partial);
    EXPECT_EQ(r.first, 900u);
    EXPECT_EQ(r.length, 100u);
    ASSERT_EQ(parse_byte_range("bytes=-300", 1000, r), RangeCheck::partial);
    EXPECT_EQ(r.first, 700u);
    EXPECT_EQ(r.length, 300u);
    ASSERT_EQ(parse_byte_range("Bytes=10-5000", 1000, r), RangeCheck::partial);  // clamped
    EXPECT_EQ(r.first, 10u);
    EXPECT_EQ(r.length, 990u);
    ASSERT_EQ(parse_byte_range("bytes=-5000", 1000, r), RangeCheck::partial);
    EXPECT_EQ(r.first, 0u);
    EXPECT_EQ(r.length, 1000u);
}

TEST(ByteRange, WholeOrUnsatisfiable) {
    ByteRange r;
    EXPECT_EQ(parse_byte_range("", 1000, r), RangeCheck::whole);
    EXPECT_EQ(parse_byte_range("items=0-1", 1000, r), RangeCheck::whole);
    EXPECT_EQ(parse_byte_range("bytes=0-1,5-9", 1000, r), RangeCheck::whole);
    EXPECT_EQ(parse_byte_range("bytes=9-5", 1000, r), RangeCheck::whole);
    EXPECT_EQ(parse_byte_range("bytes=x-5", 1000, r), RangeCheck::whole);
    EXPECT_EQ(parse_byte_range("bytes=99999999999999999999-", 1000, r), RangeCheck::whole);
    EXPECT_EQ(parse_byte_range("bytes=1000-", 1000, r), RangeCheck::unsatisfiable);
    EXPECT_EQ(parse_byte_range("bytes=-0", 1000, r), RangeCheck::unsatisfiable);
    EXPECT_EQ(parse_byte_range("bytes=0-", 0, r), RangeCheck::unsatisfiable);
}

}  // namespace
}  // namespace nchat::http
