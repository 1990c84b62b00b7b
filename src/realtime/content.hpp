#pragma once
// Chat text as it is stored and shown (docs/chat.md, Content): pure, no I/O.
#include <cstddef>
#include <string>
#include <string_view>

namespace nchat::realtime {

struct Content {
    enum class Problem { none, invalid_utf8, empty, too_long };
    std::string text;  // the sanitised text when problem == none
    Problem problem = Problem::none;
    std::size_t length = 0;  // code points of `text`
};

// Tabs and line breaks become spaces (chat is one line); every other control character (C0,
// DEL, C1) and the bidirectional overrides/isolates that can disguise text are dropped; then
// leading and trailing white space is trimmed. The result must have 1..max_code_points code
// points. Joiners and variation selectors stay: emoji are made of them.
Content sanitize_content(std::string_view in, std::size_t max_code_points);

}  // namespace nchat::realtime
