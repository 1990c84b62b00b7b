#include "realtime/content.hpp"

#include <gtest/gtest.h>

namespace nchat::realtime {
namespace {

using P = Content::Problem;

TEST(SanitizeContent, TrimsAndKeepsOrdinaryText) {
    auto c = sanitize_content("  hello, wörld 👋  ", 500);
    EXPECT_EQ(c.problem, P::none);
    EXPECT_EQ(c.text, "hello, wörld 👋");
    EXPECT_EQ(c.length, 14u);
}

TEST(SanitizeContent, LineBreaksAndTabsBecomeSpacesOtherControlsGo) {
    EXPECT_EQ(sanitize_content("a\nb\tc\r\nd", 500).text, "a b c  d");
    EXPECT_EQ(sanitize_content(std::string("a\0b\x01\x1b[31mc\x7f", 11), 500).text, "ab[31mc");
    EXPECT_EQ(sanitize_content("x\xc2\x85y", 500).text, "xy");  // C1 NEL
    // Bidi overrides that would reverse what follows.
    EXPECT_EQ(sanitize_content("evil\xe2\x80\xaegnp.exe", 500).text, "evilgnp.exe");
    // Joiners and VS16 stay: they make emoji.
    EXPECT_EQ(sanitize_content("👩‍👩‍👧 ❤️", 500).text, "👩‍👩‍👧 ❤️");
}

TEST(SanitizeContent, LengthInCodePointsAfterTrimming) {
    EXPECT_EQ(sanitize_content(std::string(500, 'a'), 500).problem, P::none);
    EXPECT_EQ(sanitize_content("  " + std::string(500, 'a') + "\n ", 500).problem, P::none);
    EXPECT_EQ(sanitize_content(std::string(501, 'a'), 500).problem, P::too_long);
    std::string kana;
    for (int i = 0; i < 500; ++i)
        kana += "ア";  // 3 bytes each: 1500 bytes, 500 code points
    EXPECT_EQ(sanitize_content(kana, 500).problem, P::none);
    EXPECT_EQ(sanitize_content(kana + "ア", 500).problem, P::too_long);
}

TEST(SanitizeContent, EmptyAfterCleaningIsRefused) {
    EXPECT_EQ(sanitize_content("", 500).problem, P::empty);
    EXPECT_EQ(sanitize_content(" \t\n ", 500).problem, P::empty);
    EXPECT_EQ(sanitize_content("\x01\x02", 500).problem, P::empty);
    EXPECT_EQ(sanitize_content("\xe3\x80\x80", 500).problem, P::empty);  // ideographic space
}

TEST(SanitizeContent, InvalidUtf8IsRefused) {
    EXPECT_EQ(sanitize_content("\xff", 500).problem, P::invalid_utf8);
    EXPECT_EQ(sanitize_content("a\xc3", 500).problem, P::invalid_utf8);             // truncated
    EXPECT_EQ(sanitize_content("\xc0\xaf", 500).problem, P::invalid_utf8);          // overlong
    EXPECT_EQ(sanitize_content("\xed\xa0\x80", 500).problem, P::invalid_utf8);      // surrogate
    EXPECT_EQ(sanitize_content("\xf4\x90\x80\x80", 500).problem, P::invalid_utf8);  // > U+10FFFF
}

}  // namespace
}  // namespace nchat::realtime
