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

TEST(Utf8, DecodesAndEncodesEveryLength) {
    const std::string text = "a\xC3\xA9\xE2\x9D\xA4\xF0\x9F\x98\x80";  // a é ❤ 😀
    auto cps = decode_utf8(text);
    ASSERT_TRUE(cps);
    EXPECT_EQ(*cps, (std::u32string{U'a', U'\u00E9', U'\u2764', U'\U0001F600'}));
    EXPECT_EQ(encode_utf8(*cps), text);
    auto second = decode_code_point(text, 1);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->value, U'\u00E9');
    EXPECT_EQ(second->size, 2u);
    EXPECT_FALSE(decode_code_point(text, text.size()));
    EXPECT_FALSE(decode_utf8("ok\xE2\x9D"));  // truncated at the end
}

}  // namespace
}  // namespace nchat::util
