#include "realtime/content.hpp"

#include "util/utf8.hpp"

namespace nchat::realtime {
namespace {

bool is_dropped(char32_t c) {
    if (c < 0x20 || c == 0x7F) return true;                      // C0, DEL
    if (c >= 0x80 && c <= 0x9F) return true;                     // C1
    if (c >= 0x202A && c <= 0x202E) return true;                 // LRE … RLO
    if (c >= 0x2066 && c <= 0x2069) return true;                 // LRI … PDI
    if (c == 0x200E || c == 0x200F || c == 0x061C) return true;  // LRM, RLM, ALM
    if (c == 0xFEFF) return true;                                // BOM / ZWNBSP
    return false;
}

bool is_space(char32_t c) {
    return c == ' ' || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

}  // namespace

Content sanitize_content(std::string_view in, std::size_t max_code_points) {
    Content out;
    auto cps = util::decode_utf8(in);
    if (!cps) {
        out.problem = Content::Problem::invalid_utf8;
        return out;
    }
    std::u32string kept;
    kept.reserve(cps->size());
    for (char32_t c : *cps) {
        if (c == '\t' || c == '\n' || c == '\r') {
            kept.push_back(' ');
        } else if (!is_dropped(c)) {
            kept.push_back(c);
        }
    }
    std::size_t begin = 0, end = kept.size();
    while (begin < end && is_space(kept[begin]))
        ++begin;
    while (end > begin && is_space(kept[end - 1]))
        --end;
    out.length = end - begin;
    if (out.length == 0) {
        out.problem = Content::Problem::empty;
        return out;
    }
    if (out.length > max_code_points) {
        out.problem = Content::Problem::too_long;
        return out;
    }
    out.text = util::encode_utf8(std::u32string_view(kept).substr(begin, out.length));
    return out;
}

}  // namespace nchat::realtime
