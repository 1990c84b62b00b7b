// The Range header of a recording's download: whatever the header says, a partial answer lies
// inside the file and is not empty.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/range.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint64_t file_sizes[] = {0, 1, 1000, std::uint64_t(1) << 40, ~std::uint64_t{0}};
    std::string_view header(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::uint64_t file = file_sizes[data[0] % 5];
    nchat::http::ByteRange r;
    if (nchat::http::parse_byte_range(header, file, r) == nchat::http::RangeCheck::partial) {
        if (r.length == 0 || r.first >= file || r.length > file - r.first) std::abort();
    }
    return 0;
}
