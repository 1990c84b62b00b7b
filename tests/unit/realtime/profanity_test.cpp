#include "realtime/profanity.hpp"

#include <gtest/gtest.h>

namespace nchat::realtime {
namespace {

ProfanityFilter filter() {
    return ProfanityFilter({"darn", "heck", "ass"});
}

TEST(ProfanityFilter, MatchesThroughCaseSubstitutionsRepeatsAndSeparators) {
    auto f = filter();
    for (const char* text : {"darn", "DARN it", "D4rn", "d@rn", "daaaarn", "ddarrn", "d.a.r.n",
                             "d-a_r*n", "h3ck", "HECK!", "h3(k no", "what the h3cK.", "a$$", "@55",
                             "dárn", "heckin", "darned", "asses", "hecky"}) {
        bool expected = std::string_view(text) != "h3(k no";
        EXPECT_EQ(f.contains(text), expected) << text;
    }
}

TEST(ProfanityFilter, WholeWordsOnly) {
    auto f = filter();
    for (const char* text :
         {"class", "assassin", "passage", "darnel", "checkers", "bass", "Scunthorpe", "hello"}) {
        EXPECT_FALSE(f.contains(text)) << text;
    }
}

TEST(ProfanityFilter, AmbiguousDigitsMatchEitherLetter) {
    ProfanityFilter f({"fail", "lol"});
    EXPECT_TRUE(f.contains("fai1"));  // 1 as l
    EXPECT_TRUE(f.contains("f4i1"));
    EXPECT_TRUE(f.contains("10l"));  // 1 as l, 0 as o
    EXPECT_TRUE(f.contains("|o|"));
}

TEST(ProfanityFilter, MasksEachMatchWithOneAsteriskPerCodePoint) {
    auto f = filter();
    EXPECT_EQ(f.mask("oh darn, what the HECK."), "oh ****, what the ****.");
    EXPECT_EQ(f.mask("dárn 日本"), "**** 日本");
    EXPECT_EQ(f.mask("d.a.r.n!"), "*******!");
    EXPECT_EQ(f.mask("nothing here"), "nothing here");
    EXPECT_EQ(f.mask("classy ass"), "classy ***");
}

TEST(ProfanityFilter, EmptyListMatchesNothingAndBuiltinListWorks) {
    ProfanityFilter none({});
    EXPECT_TRUE(none.empty());
    EXPECT_FALSE(none.contains("anything"));
    ProfanityFilter builtin(ProfanityFilter::builtin_words());
    EXPECT_TRUE(builtin.contains("sh1t"));
    EXPECT_TRUE(builtin.contains("FUUUCK"));
    EXPECT_TRUE(builtin.contains("shitty"));
    EXPECT_FALSE(builtin.contains("shiitake mushrooms, hello and thanks"));
}

}  // namespace
}  // namespace nchat::realtime
