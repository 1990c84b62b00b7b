// Dates in request bodies (scheduledAt): parse, and what parses must print and re-parse to
// the same instant.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "util/time.hpp"
#include "util/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view s(reinterpret_cast<const char*>(data), size);
    (void)nchat::util::utf8_length(s);
    if (auto t = nchat::util::parse_iso8601(s)) {
        auto again = nchat::util::parse_iso8601(nchat::util::format_iso8601(*t));
        if (!again || *again != *t) __builtin_trap();
    }
    return 0;
}
