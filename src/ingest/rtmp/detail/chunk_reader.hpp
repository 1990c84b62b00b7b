#pragma once
// Reassembles RTMP messages from the chunk stream (RTMP 1.0 §5.3). Pure: no I/O, no clock.
// Applies the peer's Set Chunk Size and Abort itself, since they change how the next bytes
// are cut, and still hands those messages up.
#include <map>
#include <optional>

#include "ingest/rtmp/detail/message.hpp"
#include "util/byte_reader.hpp"
#include "util/result.hpp"

namespace nchat::ingest::rtmp {

class ChunkReader {
public:
    // Parses one chunk. On success it consumes the chunk and returns the message it completes,
    // if any. On error::need_more it consumes nothing: call again when more bytes arrived.
    // Any other error means the connection is broken (close it).
    util::Result<std::optional<Message>> read(util::ByteReader& in);

    std::uint32_t chunk_size() const { return chunk_size_; }
    std::size_t partial_bytes() const { return partial_bytes_; }

private:
    struct Header {
        std::uint32_t timestamp = 0;
        std::uint32_t delta = 0;
        std::uint32_t length = 0;
        std::uint8_t type = 0;
        std::uint32_t stream_id = 0;
        bool extended = false;  // the last fmt 0/1/2 header carried an extended timestamp
        std::uint32_t extended_value = 0;
    };
    struct ChunkStream {
        Header header;
        std::vector<std::uint8_t> partial;  // payload of the message in progress
        bool in_progress = false;
    };

    void apply_control(const Message& m);

    std::map<std::uint32_t, ChunkStream> streams_;
    std::uint32_t chunk_size_ = 128;  // §5.4.1 default
    std::size_t partial_bytes_ = 0;
};

}  // namespace nchat::ingest::rtmp
