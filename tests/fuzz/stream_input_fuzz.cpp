// Request bodies of POST /api/streams/create and PATCH /api/streams/{id}: any bytes must end
// in a value or a ValidationError, never a crash, hang or other exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/stream_input.hpp"
#include "api/validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    try {
        (void)nchat::api::parse_create_stream(body);
    } catch (const nchat::api::ValidationError&) {
    }
    try {
        (void)nchat::api::parse_stream_patch(body);
    } catch (const nchat::api::ValidationError&) {
    }
    return 0;
}
