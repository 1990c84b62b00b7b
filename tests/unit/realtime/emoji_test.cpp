#include "realtime/emoji.hpp"

#include <gtest/gtest.h>

namespace nchat::realtime {
namespace {

TEST(IsSingleEmoji, AcceptsOneEmojiOfEveryShape) {
    for (const char* e : {
             "👍",                                    // plain
             "❤️",                               // text-default + VS16
             "❤",                                    // … and without it
             "👩‍👩‍👧",                   // ZWJ family
             "👍🏽",                             // skin tone
             "🇫🇷",                                   // flag
             "1️⃣",                              // keycap
             "#⃣",                                    // keycap without VS16
             "🏳️‍🌈",                       // ZWJ with VS16 inside
             "👩🏽‍❤️‍💋‍👨🏿",  // the long ones
             "🏴󠁧󠁢󠁥󠁮󠁧󠁿",         // tag sequence (England)
             "🤌",
             "🫠",
             "⭐",
             "©️",
             "🦰",
         }) {
        EXPECT_TRUE(is_single_emoji(e)) << e;
    }
}

TEST(IsSingleEmoji, RefusesEverythingElse) {
    for (const char* e : {
             "", "a",
             "1",        // a digit alone is text
             "👍👍",       // two
             "hi👍",      // text + emoji
             "👍 ",       // trailing space
             "\u200d",   // lone ZWJ
             "👍\u200d",  // dangling ZWJ
             "\u200d👍",
             "🏽",                      // lone modifier
             "🇫",                         // half a flag
             "🇫🇷🇩",                       // a flag and a half
             "\ufe0f",                    // lone VS16
             "1\ufe0f",                   // keycap without its mark
             "🏴\U000E0067\U000E0062",  // tag sequence without its end
             "\xff",                      // not UTF-8
             "→",                         // an arrow that is no emoji
         }) {
        EXPECT_FALSE(is_single_emoji(e)) << e;
    }
    EXPECT_FALSE(is_single_emoji(std::string(10, 'x')));
    std::string many;
    for (int i = 0; i < 20; ++i)
        many += i ? "\u200d👍" : "👍";
    EXPECT_FALSE(is_single_emoji(many));  // over the size bound
}

}  // namespace
}  // namespace nchat::realtime
