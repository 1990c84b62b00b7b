#include "realtime/emoji.hpp"

#include <array>
#include <utility>

#include "util/utf8.hpp"

namespace nchat::realtime {
namespace {

constexpr std::size_t kMaxEmojiBytes = 64;  // the longest RGI sequences are ~35 bytes
constexpr char32_t kZwj = 0x200D;
constexpr char32_t kVs16 = 0xFE0F;
constexpr char32_t kKeycap = 0x20E3;
constexpr char32_t kBlackFlag = 0x1F3F4;
constexpr char32_t kCancelTag = 0xE007F;

// Extended_Pictographic (emoji-data.txt), as ranges. The supplementary-plane blocks are taken
// whole, minus what has its own role below (regional indicators, skin-tone modifiers).
constexpr std::array<std::pair<char32_t, char32_t>, 40> kPictographic{{
    {0x00A9, 0x00A9}, {0x00AE, 0x00AE}, {0x203C, 0x203C}, {0x2049, 0x2049},   {0x2122, 0x2122},
    {0x2139, 0x2139}, {0x2194, 0x2199}, {0x21A9, 0x21AA}, {0x231A, 0x231B},   {0x2328, 0x2328},
    {0x2388, 0x2388}, {0x23CF, 0x23CF}, {0x23E9, 0x23F3}, {0x23F8, 0x23FA},   {0x24C2, 0x24C2},
    {0x25AA, 0x25AB}, {0x25B6, 0x25B6}, {0x25C0, 0x25C0}, {0x25FB, 0x25FE},   {0x2600, 0x2605},
    {0x2607, 0x2612}, {0x2614, 0x2685}, {0x2690, 0x2705}, {0x2708, 0x2712},   {0x2714, 0x2714},
    {0x2716, 0x2716}, {0x271D, 0x271D}, {0x2721, 0x2721}, {0x2728, 0x2728},   {0x2733, 0x2734},
    {0x2744, 0x2744}, {0x2747, 0x2747}, {0x274C, 0x2767}, {0x2795, 0x27BF},   {0x2934, 0x2935},
    {0x2B05, 0x2B55}, {0x3030, 0x303D}, {0x3297, 0x3299}, {0x1F000, 0x1F1E5}, {0x1F200, 0x1FAFF},
}};

bool is_regional_indicator(char32_t c) {
    return c >= 0x1F1E6 && c <= 0x1F1FF;
}
bool is_modifier(char32_t c) {
    return c >= 0x1F3FB && c <= 0x1F3FF;
}
bool is_tag(char32_t c) {
    return c >= 0xE0020 && c <= 0xE007E;
}
bool is_keycap_base(char32_t c) {
    return (c >= '0' && c <= '9') || c == '#' || c == '*';
}

bool is_pictographic(char32_t c) {
    if (is_modifier(c)) return false;  // only after a base (TS #51: a lone one is a swatch)
    if (c >= 0x2B05 && c <= 0x2B55) {  // the block holds arrows and shapes, few emoji
        return c <= 0x2B07 || c == 0x2B1B || c == 0x2B1C || c == 0x2B50 || c == 0x2B55;
    }
    if (c >= 0x3030 && c <= 0x303D) return c == 0x3030 || c == 0x303D;
    if (c >= 0x3297 && c <= 0x3299) return c != 0x3298;
    for (auto [lo, hi] : kPictographic) {
        if (c >= lo && c <= hi) return true;
    }
    return false;
}

// One element of a ZWJ sequence starting at cps[i]; advances i past it. false: not an element.
bool element(const std::u32string& cps, std::size_t& i) {
    auto n = cps.size();
    char32_t c = cps[i];
    if (is_regional_indicator(c)) {  // a flag: exactly two
        if (i + 1 < n && is_regional_indicator(cps[i + 1])) {
            i += 2;
            return true;
        }
        return false;
    }
    if (is_keycap_base(c)) {
        std::size_t j = i + 1;
        if (j < n && cps[j] == kVs16) ++j;
        if (j < n && cps[j] == kKeycap) {
            i = j + 1;
            return true;
        }
        return false;
    }
    if (!is_pictographic(c)) return false;
    ++i;
    if (c == kBlackFlag && i < n && is_tag(cps[i])) {  // subdivision flags (England, …)
        while (i < n && is_tag(cps[i]))
            ++i;
        if (i < n && cps[i] == kCancelTag) {
            ++i;
            return true;
        }
        return false;
    }
    if (i < n && cps[i] == kVs16) ++i;
    if (i < n && is_modifier(cps[i])) ++i;
    return true;
}

}  // namespace

bool is_single_emoji(std::string_view s) {
    if (s.empty() || s.size() > kMaxEmojiBytes) return false;
    auto cps = util::decode_utf8(s);
    if (!cps || cps->empty()) return false;
    std::size_t i = 0;
    if (!element(*cps, i)) return false;
    while (i < cps->size()) {
        if ((*cps)[i] != kZwj || i + 1 >= cps->size()) return false;
        ++i;
        if (!element(*cps, i)) return false;
    }
    return true;
}

}  // namespace nchat::realtime
