#include "util/utf8.hpp"

#include <gtest/gtest.h>

namespace nchat::util {
namespace {

TEST(Utf8, CountsCodePointsNotBytes) {
    EXPECT_EQ(utf8_length(""), 0u);
    EXPECT_EQ(utf8_length("abc"), 3u);
    EXPECT_EQ(utf8_length("h\xC3\xA9llo"), 5u);              // é
    EXPECT_EQ(utf8_length("\xE2\x9D\xA4\xEF\xB8\x8F"), 2u);  // ❤️ = U+2764 U+FE0F
    EXPECT_EQ(utf8_length("\xF0\x9F\x98\x80"), 1u);          // 😀
}

TEST(Utf8, RejectsIllFormed) {
    EXPECT_FALSE(utf8_length("\xC3"));              // truncated
    EXPECT_FALSE(utf8_length("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(utf8_length("\xED\xA0\x80"));      // surrogate U+D800
    EXPECT_FALSE(utf8_length("\xF4\x90\x80\x80"));  // > U+10FFFF
    EXPECT_FALSE(utf8_length("\xFF"));
    EXPECT_FALSE(utf8_length("ab\x80"));  // stray continuation byte
}

}  // namespace
}  // namespace nchat::util
