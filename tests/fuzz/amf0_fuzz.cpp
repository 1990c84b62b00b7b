// AMF0 command and metadata bodies: decode; what decodes must encode and decode to the same.
#include <cstddef>
#include <cstdint>

#include "ingest/rtmp/detail/amf0.hpp"

using namespace nchat::ingest::rtmp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto values = decode_amf0_all(std::span(data, size));
    if (!values) return 0;
    std::vector<std::uint8_t> out;
    nchat::util::ByteWriter w(out);
    for (const auto& v : *values)
        encode_amf0(w, v);
    auto again = decode_amf0_all(out);
    if (!again || again->size() != values->size()) __builtin_trap();
    return 0;
}
