// The RTMP chunk stream as a publisher sends it: any bytes, in any cut, must end in messages,
// need_more or an error — and memory stays within the reader's limits.
#include <cstddef>
#include <cstdint>

#include "ingest/rtmp/detail/amf0.hpp"
#include "ingest/rtmp/detail/chunk_reader.hpp"
#include "ingest/rtmp/detail/limits.hpp"

using namespace nchat::ingest::rtmp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ChunkReader reader;
    nchat::util::ByteReader in(std::span(data, size));
    for (;;) {
        auto m = reader.read(in);
        if (!m) break;
        if (reader.partial_bytes() > limits::kMaxPartialBytes) __builtin_trap();
        if (*m && ((*m)->type == msg::kCommandAmf0 || (*m)->type == msg::kDataAmf0)) {
            (void)decode_amf0_all((*m)->payload);
        }
    }
    return 0;
}
