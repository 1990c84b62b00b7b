#pragma once
// Is this string exactly one emoji? (docs/chat.md, Reactions.) Pure; follows the sequence
// grammar of Unicode TS #51 §1.4 (emoji_zwj_sequence and its elements), not the list of
// recommended (RGI) sequences, so a valid-looking new emoji is accepted.
#include <string_view>

namespace nchat::realtime {

// One of: a pictographic character with an optional VS16 (U+FE0F) and an optional skin-tone
// modifier; a modifier base + modifier; a flag (two regional indicators); a keycap
// ([0-9#*] FE0F? U+20E3); a tag sequence (U+1F3F4 tags… U+E007F); or such elements joined by
// ZWJ (U+200D). Nothing before or after. Bounded: at most 64 bytes.
bool is_single_emoji(std::string_view s);

}  // namespace nchat::realtime
