#pragma once
// The chat's word filter (docs/chat.md, Profanity). Pure and immutable once built, so every
// strand may share one.
//
// A listed word matches a whole word of the text, also with a common ending (s, es, ed, er,
// ers, ing, in, y): "shitty" matches "shit", "Scunthorpe" and "class" match nothing. Through:
//   case                  FuCk
//   substitutions         0→o 1→i/l 3→e 4→a @→a 5→s $→s 7→t 8→b 9→g !→i |→l/i +→t
//   accents               fück → fuck (Latin-1 letters to their base)
//   repeated letters      fuuuuck, ffuck
//   separators inside     f.u.c.k, f-u_c*k
#include <string>
#include <string_view>
#include <vector>

namespace nchat::realtime {

class ProfanityFilter {
public:
    // Words are letters (after the same normalisation); others are ignored.
    explicit ProfanityFilter(const std::vector<std::string>& words);

    // A short list of common English profanity; operators extend it (docs/configuration.md).
    static const std::vector<std::string>& builtin_words();

    bool empty() const { return patterns_.empty(); }
    // `text` is valid UTF-8 (sanitize_content ran before).
    bool contains(std::string_view text) const;
    // Each matching word replaced by as many '*' as it had code points.
    std::string mask(std::string_view text) const;

private:
    struct Span {
        std::size_t begin;  // code point offsets
        std::size_t end;
    };
    std::vector<Span> matches(const std::u32string& text) const;
    bool matches_word(const std::u32string& text, std::size_t begin, std::size_t end) const;

    std::vector<std::string> patterns_;  // normalised letters a-z, runs collapsed
};

}  // namespace nchat::realtime
