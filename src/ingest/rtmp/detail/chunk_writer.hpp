#pragma once
// Cuts our outgoing messages into chunks (RTMP 1.0 §5.3). We send few, small messages
// (control and command replies), so every message starts with a type 0 header: simple and
// what every client parses.
#include <cstdint>
#include <vector>

#include "ingest/rtmp/detail/message.hpp"

namespace nchat::ingest::rtmp {

void write_chunks(std::vector<std::uint8_t>& out, const Message& m, std::uint32_t chunk_size);

}  // namespace nchat::ingest::rtmp
