#include "ingest/rtmp/detail/chunk_writer.hpp"

#include <algorithm>

#include "util/byte_reader.hpp"

namespace nchat::ingest::rtmp {
namespace {

void basic_header(util::ByteWriter& w, std::uint8_t fmt, std::uint32_t csid) {
    if (csid < 64) {
        w.u8(static_cast<std::uint8_t>(fmt << 6 | csid));
    } else if (csid < 64 + 256) {
        w.u8(static_cast<std::uint8_t>(fmt << 6));
        w.u8(static_cast<std::uint8_t>(csid - 64));
    } else {
        w.u8(static_cast<std::uint8_t>(fmt << 6 | 1));
        w.u8(static_cast<std::uint8_t>((csid - 64) & 0xFF));
        w.u8(static_cast<std::uint8_t>((csid - 64) >> 8));
    }
}

}  // namespace

void write_chunks(std::vector<std::uint8_t>& out, const Message& m, std::uint32_t chunk_size) {
    util::ByteWriter w(out);
    bool extended = m.timestamp >= 0xFFFFFF;
    basic_header(w, 0, m.csid);
    w.u24(extended ? 0xFFFFFF : m.timestamp);
    w.u24(static_cast<std::uint32_t>(m.payload.size()));
    w.u8(m.type);
    w.u32le(m.stream_id);
    if (extended) w.u32(m.timestamp);
    std::size_t pos = 0;
    do {
        auto n = std::min<std::size_t>(chunk_size, m.payload.size() - pos);
        w.bytes(std::span(m.payload).subspan(pos, n));
        pos += n;
        if (pos < m.payload.size()) {
            basic_header(w, 3, m.csid);
            if (extended) w.u32(m.timestamp);  // §5.3.1.3: type 3 repeats it
        }
    } while (pos < m.payload.size());
}

}  // namespace nchat::ingest::rtmp
