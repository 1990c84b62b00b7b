#include "ingest/rtmp/detail/chunk_reader.hpp"

#include <algorithm>

#include "ingest/rtmp/detail/error.hpp"
#include "ingest/rtmp/detail/limits.hpp"

namespace nchat::ingest::rtmp {
namespace {

constexpr std::uint32_t kExtendedMarker = 0xFFFFFF;

// Basic header (§5.3.1.1): fmt in the top 2 bits, csid in 1-3 bytes.
bool read_basic_header(util::ByteReader& in, std::uint8_t& fmt, std::uint32_t& csid) {
    std::uint8_t b0 = 0;
    if (!in.read_u8(b0)) return false;
    fmt = b0 >> 6;
    csid = b0 & 0x3F;
    if (csid == 0) {
        std::uint8_t b1 = 0;
        if (!in.read_u8(b1)) return false;
        csid = 64u + b1;
    } else if (csid == 1) {
        std::uint8_t b1 = 0, b2 = 0;
        if (!in.read_u8(b1) || !in.read_u8(b2)) return false;
        csid = 64u + b1 + 256u * b2;
    }
    return true;
}

}  // namespace

util::Result<std::optional<Message>> ChunkReader::read(util::ByteReader& in_orig) {
    // Work on a copy of the reader and of the header state: nothing is consumed or changed
    // unless the whole chunk is there.
    util::ByteReader in = in_orig;
    std::uint8_t fmt = 0;
    std::uint32_t csid = 0;
    if (!read_basic_header(in, fmt, csid)) return error::need_more;

    auto it = streams_.find(csid);
    if (it == streams_.end()) {
        if (fmt != 0) return error::malformed;  // §5.3.1.2: the first chunk of a csid is type 0
        if (streams_.size() >= limits::kMaxChunkStreams) return error::too_large;
    }
    Header h = it == streams_.end() ? Header{} : it->second.header;
    bool starts_message = it == streams_.end() || !it->second.in_progress;
    std::size_t have = starts_message ? 0 : it->second.partial.size();

    std::uint32_t ts_field = 0;
    if (fmt <= 2 && !in.read_u24(ts_field)) return error::need_more;
    if (fmt <= 1) {
        if (!in.read_u24(h.length) || !in.read_u8(h.type)) return error::need_more;
    }
    if (fmt == 0 && !in.read_u32le(h.stream_id)) return error::need_more;  // §5.3.1.2.1

    if (fmt <= 2) {
        if (!starts_message) return error::malformed;  // a new header inside a message
        h.extended = ts_field == kExtendedMarker;
        std::uint32_t value = ts_field;
        if (h.extended) {
            if (!in.read_u32(value)) return error::need_more;
            h.extended_value = value;
        }
        if (fmt == 0) {
            h.timestamp = value;
            h.delta = value;  // a following type 3 message repeats it (§5.3.1.2.4)
        } else {
            h.delta = value;
            h.timestamp += value;
        }
    } else {
        if (h.extended) {
            // Type 3 after an extended timestamp repeats it (§5.3.1.3); librtmp and old FFmpeg
            // leave it out on continuation chunks. Consume it only if it is the stored value.
            util::ByteReader peek = in;
            std::uint32_t maybe = 0;
            if (peek.read_u32(maybe)) {
                if (maybe == h.extended_value) in.skip(4);
            } else {
                return error::need_more;  // cannot tell yet
            }
        }
        if (starts_message) h.timestamp += h.delta;
    }

    if (starts_message && h.length > limits::kMaxMessageSize) return error::too_large;
    auto want = std::min<std::size_t>(chunk_size_, h.length - have);
    if (partial_bytes_ + want > limits::kMaxPartialBytes) return error::too_large;
    std::span<const std::uint8_t> piece;
    if (!in.read_bytes(want, piece)) return error::need_more;

    // The chunk is whole: commit.
    in_orig = in;
    auto& cs = streams_[csid];
    cs.header = h;
    if (starts_message) {
        cs.partial.clear();
        cs.in_progress = true;
    }
    std::optional<Message> done;
    if (have + piece.size() == h.length) {
        partial_bytes_ -= have;
        std::vector<std::uint8_t> payload = std::move(cs.partial);
        payload.insert(payload.end(), piece.begin(), piece.end());
        done = Message{csid, h.timestamp, h.type, h.stream_id, std::move(payload)};
        cs.partial = {};
        cs.in_progress = false;
        if (done->stream_id == 0 &&
            (done->type == msg::kSetChunkSize || done->type == msg::kAbort)) {
            apply_control(*done);
        }
    } else {
        partial_bytes_ += piece.size();
        cs.partial.insert(cs.partial.end(), piece.begin(), piece.end());
    }
    return done;
}

void ChunkReader::apply_control(const Message& m) {
    util::ByteReader r(m.payload);
    std::uint32_t v = 0;
    if (!r.read_u32(v)) return;
    if (m.type == msg::kSetChunkSize) {
        v &= 0x7FFFFFFF;  // §5.4.1: the top bit is zero
        chunk_size_ = std::clamp<std::uint32_t>(v, 1, limits::kMaxChunkSize);
    } else if (auto it = streams_.find(v); it != streams_.end()) {  // Abort (§5.4.2)
        partial_bytes_ -= it->second.partial.size();
        it->second.partial.clear();
        it->second.in_progress = false;
    }
}

}  // namespace nchat::ingest::rtmp
