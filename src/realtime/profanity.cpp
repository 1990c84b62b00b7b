#include "realtime/profanity.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "util/utf8.hpp"

namespace nchat::realtime {
namespace {

// A word longer than this is no evasion of a listed word; it is skipped (bounds the work).
constexpr std::size_t kMaxWord = 64;
constexpr std::array<std::string_view, 9> kEndings{"",    "s",   "es", "ed", "er",
                                                   "ers", "ing", "in", "y"};

using Letters = std::uint32_t;  // bit i: could be the letter 'a' + i

constexpr Letters bit(char c) {
    return Letters{1} << (c - 'a');
}

// What a character may stand for: no bits for a separator inside a word.
struct Reading {
    bool word = false;  // part of a word
    Letters letters = 0;
};

char fold_latin1(char32_t c) {
    if (c >= 0xE0 && c <= 0xE5) return 'a';
    if (c >= 0xC0 && c <= 0xC5) return 'a';
    if (c == 0xE7 || c == 0xC7) return 'c';
    if ((c >= 0xE8 && c <= 0xEB) || (c >= 0xC8 && c <= 0xCB)) return 'e';
    if ((c >= 0xEC && c <= 0xEF) || (c >= 0xCC && c <= 0xCF)) return 'i';
    if (c == 0xF1 || c == 0xD1) return 'n';
    if ((c >= 0xF2 && c <= 0xF6) || (c >= 0xD2 && c <= 0xD6) || c == 0xF8 || c == 0xD8) return 'o';
    if ((c >= 0xF9 && c <= 0xFC) || (c >= 0xD9 && c <= 0xDC)) return 'u';
    if (c == 0xFD || c == 0xFF || c == 0xDD) return 'y';
    return 0;
}

Reading read(char32_t c) {
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    if (c >= 'a' && c <= 'z') return {true, bit(static_cast<char>(c))};
    if (char f = fold_latin1(c)) return {true, bit(f)};
    switch (c) {
        case '0':
            return {true, bit('o')};
        case '1':
            return {true, bit('i') | bit('l')};
        case '3':
            return {true, bit('e')};
        case '4':
        case '@':
            return {true, bit('a')};
        case '5':
        case '$':
            return {true, bit('s')};
        case '7':
        case '+':
            return {true, bit('t')};
        case '8':
            return {true, bit('b')};
        case '9':
            return {true, bit('g')};
        case '!':
            return {true, bit('i')};
        case '|':
            return {true, bit('l') | bit('i')};
        case '.':
        case '-':
        case '_':
        case '*':
            return {true, 0};  // a separator inside a word
        default:
            break;
    }
    if (c >= '0' && c <= '9') return {true, 0};  // other digits: part of the word, no letter
    return {};
}

// Lower-case letters of `word` after the same reading, runs collapsed ("ass" → "as").
std::string normalise(std::string_view word) {
    std::string out;
    auto cps = util::decode_utf8(word);
    if (!cps) return out;
    for (char32_t c : *cps) {
        auto r = read(c);
        Letters l = r.letters;
        if (l == 0 || (l & (l - 1)) != 0) continue;  // keep only unambiguous letters
        char ch = static_cast<char>('a' + __builtin_ctz(l));
        if (out.empty() || out.back() != ch) out.push_back(ch);
    }
    return out;
}

// Does the reading of text[begin, end) spell `pattern` exactly, a letter being allowed to
// repeat (fuuuck) and separators to sit anywhere? Small DP over (text position, pattern
// position); words are at most kMaxWord.
bool spells(const std::vector<Letters>& word, std::string_view pattern) {
    const std::size_t n = word.size(), m = pattern.size();
    if (m == 0) return false;
    // reach[j]: the text read so far can end inside pattern letter j-1 (j letters begun).
    std::array<bool, kMaxWord + 2> reach{};
    reach[0] = true;
    for (std::size_t i = 0; i < n; ++i) {
        Letters l = word[i];
        if (l == 0) continue;  // separator: changes nothing
        std::array<bool, kMaxWord + 2> next{};
        for (std::size_t j = 0; j <= m; ++j) {
            if (!reach[j]) continue;
            // Repeat the current letter…
            if (j > 0 && (l & bit(pattern[j - 1]))) next[j] = true;
            // …or begin the next one.
            if (j < m && (l & bit(pattern[j]))) next[j + 1] = true;
        }
        reach = next;
    }
    return reach[m];
}

}  // namespace

ProfanityFilter::ProfanityFilter(const std::vector<std::string>& words) {
    for (const auto& w : words) {
        auto base = normalise(w);
        if (base.empty() || base.size() > kMaxWord / 2) continue;
        for (auto ending : kEndings) {
            std::string p = base;
            for (char c : ending) {
                if (p.back() != c) p.push_back(c);
            }
            patterns_.push_back(std::move(p));
        }
    }
    std::sort(patterns_.begin(), patterns_.end());
    patterns_.erase(std::unique(patterns_.begin(), patterns_.end()), patterns_.end());
}

const std::vector<std::string>& ProfanityFilter::builtin_words() {
    static const std::vector<std::string> words{
        "fuck", "motherfucker", "shit",  "bullshit", "bitch", "cunt",   "asshole", "bastard",
        "dick", "dickhead",     "pussy", "whore",    "slut",  "wanker", "twat",    "prick",
    };
    return words;
}

bool ProfanityFilter::matches_word(const std::u32string& text,
                                   std::size_t begin,
                                   std::size_t end) const {
    if (end - begin > kMaxWord) return false;
    std::vector<Letters> word;
    word.reserve(end - begin);
    std::size_t letters = 0;
    Letters first = 0;
    for (std::size_t i = begin; i < end; ++i) {
        auto l = read(text[i]).letters;
        word.push_back(l);
        if (l == 0) continue;
        if (letters++ == 0) first = l;
    }
    for (const auto& p : patterns_) {
        // Cheap refusals first: every pattern letter needs a character, the first must fit.
        if (p.size() > letters || !(first & bit(p[0]))) continue;
        if (spells(word, p)) return true;
    }
    return false;
}

std::vector<ProfanityFilter::Span> ProfanityFilter::matches(const std::u32string& text) const {
    std::vector<Span> out;
    if (patterns_.empty()) return out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!read(text[i]).word) {
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && read(text[end]).word)
            ++end;
        // Separators at the edges belong to the surroundings ("shit." masks "shit").
        std::size_t b = i, e = end;
        while (b < e && read(text[b]).letters == 0)
            ++b;
        while (e > b && read(text[e - 1]).letters == 0)
            --e;
        // A '!' may be an i (sh!t) or the end of a sentence (heck!): try both.
        while (b < e && !matches_word(text, b, e) && text[e - 1] == '!')
            --e;
        if (b < e && matches_word(text, b, e)) out.push_back({b, e});
        i = end;
    }
    return out;
}

bool ProfanityFilter::contains(std::string_view text) const {
    auto cps = util::decode_utf8(text);
    return cps && !matches(*cps).empty();
}

std::string ProfanityFilter::mask(std::string_view text) const {
    auto cps = util::decode_utf8(text);
    if (!cps) return std::string(text);
    auto spans = matches(*cps);
    if (spans.empty()) return std::string(text);
    for (auto s : spans) {
        for (std::size_t i = s.begin; i < s.end; ++i)
            (*cps)[i] = '*';
    }
    return util::encode_utf8(*cps);
}

}  // namespace nchat::realtime
