// AMF0 command and metadata bodies: decode; what decodes must encode and decode to the same,
// and never hold more values than one message's budget (limits::kMaxAmfValues), whatever the
// input's size (scripts/fuzz gives this target inputs up to 1 MiB).
#include <cstddef>
#include <cstdint>

#include "ingest/rtmp/detail/amf0.hpp"
#include "ingest/rtmp/detail/limits.hpp"

using namespace nchat::ingest::rtmp;

namespace {

std::size_t count_values(const Amf0Value& v) {
    std::size_t n = 1;
    for (const auto& p : v.properties)
        n += count_values(p.value);
    for (const auto& item : v.items)
        n += count_values(item);
    return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto values = decode_amf0_all(std::span(data, size));
    if (!values) return 0;
    std::size_t total = 0;
    for (const auto& v : *values)
        total += count_values(v);
    if (total > limits::kMaxAmfValues) __builtin_trap();
    std::vector<std::uint8_t> out;
    nchat::util::ByteWriter w(out);
    for (const auto& v : *values)
        encode_amf0(w, v);
    auto again = decode_amf0_all(out);
    if (!again || again->size() != values->size()) __builtin_trap();
    return 0;
}
