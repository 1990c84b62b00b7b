#include "ingest/rtmp/detail/chunk_reader.hpp"

#include <gtest/gtest.h>

#include "ingest/rtmp/detail/chunk_writer.hpp"
#include "ingest/rtmp/detail/error.hpp"
#include "unit/testing/hex.hpp"

namespace nchat::ingest::rtmp {
namespace {

using Bytes = std::vector<std::uint8_t>;

using nchat::testing::hex;

// Feeds `bytes` one chunk at a time, collecting messages; fails on any error but need_more.
std::vector<Message> read_all(ChunkReader& r, const Bytes& bytes, std::size_t* left = nullptr) {
    util::ByteReader in(bytes);
    std::vector<Message> out;
    for (;;) {
        auto m = r.read(in);
        if (!m) {
            EXPECT_EQ(m.error(), make_error_code(error::need_more));
            break;
        }
        if (*m) out.push_back(std::move(**m));
    }
    if (left) *left = in.remaining();
    return out;
}

TEST(ChunkReader, Type0ThenType1Type2Type3) {
    ChunkReader r;
    auto msgs = read_all(
        r, hex("03 000010 000003 14 00000000 aabbcc"  // fmt0 csid 3 ts 16 len 3 type 20 msid 0
               "43 000005 000002 08 ddee"             // fmt1 csid 3 delta 5 len 2 type 8
               "83 000007 ff01"                       // fmt2 csid 3 delta 7 (same len/type)
               "c3 1122"));                           // fmt3: a new message, delta 7 again
    ASSERT_EQ(msgs.size(), 4u);
    EXPECT_EQ(msgs[0].timestamp, 16u);
    EXPECT_EQ(msgs[0].type, 20);
    EXPECT_EQ(msgs[0].payload, hex("aabbcc"));
    EXPECT_EQ(msgs[1].timestamp, 21u);
    EXPECT_EQ(msgs[1].type, 8);
    EXPECT_EQ(msgs[2].timestamp, 28u);
    EXPECT_EQ(msgs[2].payload, hex("ff01"));
    EXPECT_EQ(msgs[3].timestamp, 35u);
    EXPECT_EQ(msgs[3].payload, hex("1122"));
}

TEST(ChunkReader, SplitsAtTheChunkSizeAndFollowsSetChunkSize) {
    Message big{6, 1000, msg::kVideo, 1, Bytes(300, 0x5a)};
    Bytes wire;
    write_chunks(wire, big, 128);                               // 128 + 128 + 44
    Message set{2, 0, msg::kSetChunkSize, 0, hex("00001000")};  // 4096
    write_chunks(wire, set, 128);
    write_chunks(wire, big, 4096);  // one chunk now
    ChunkReader r;
    auto msgs = read_all(r, wire);
    ASSERT_EQ(msgs.size(), 3u);
    EXPECT_EQ(msgs[0].payload, big.payload);
    EXPECT_EQ(msgs[0].stream_id, 1u);
    EXPECT_EQ(r.chunk_size(), 4096u);
    EXPECT_EQ(msgs[2].payload, big.payload);
    EXPECT_EQ(r.partial_bytes(), 0u);
}

TEST(ChunkReader, ExtendedTimestampsIncludingOnType3) {
    Message m{4, 0x01000000, msg::kAudio, 1, Bytes(200, 0x11)};  // past 2^24 ms (4 h 39 min)
    Bytes wire;
    write_chunks(wire, m, 128);  // the type 3 continuation carries the 4 bytes too
    ChunkReader r;
    auto msgs = read_all(r, wire);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].timestamp, 0x01000000u);
    EXPECT_EQ(msgs[0].payload, m.payload);
}

TEST(ChunkReader, ExtendedTimestampLeftOutOfType3LikeLibrtmp) {
    // fmt0 with extended ts, 130-byte message, continuation without the 4 bytes.
    Bytes wire = hex("04 ffffff 000082 08 01000000 01000000");
    wire.insert(wire.end(), 128, 0x22);
    wire.push_back(0xc4);
    wire.insert(wire.end(), 2, 0x22);
    // Whether 4 bytes are a repeated timestamp can only be told once 4 bytes are there; in a
    // live stream the next message brings them.
    auto next = hex("44 000021 000001 08 33");
    wire.insert(wire.end(), next.begin(), next.end());
    ChunkReader r;
    auto msgs = read_all(r, wire);
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_EQ(msgs[1].timestamp, 0x01000000u + 0x21);
    EXPECT_EQ(msgs[0].timestamp, 0x01000000u);
    EXPECT_EQ(msgs[0].payload, Bytes(130, 0x22));
}

TEST(ChunkReader, ThreeByteAndTwoByteChunkStreamIds) {
    Message a{100, 1, msg::kAudio, 1, hex("01")};   // 2-byte form (64..319)
    Message b{1000, 2, msg::kVideo, 1, hex("02")};  // 3-byte form
    Bytes wire;
    write_chunks(wire, a, 128);
    write_chunks(wire, b, 128);
    EXPECT_EQ(wire[0], 0x00);
    EXPECT_EQ(wire[1], 100 - 64);
    ChunkReader r;
    auto msgs = read_all(r, wire);
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_EQ(msgs[0].csid, 100u);
    EXPECT_EQ(msgs[1].csid, 1000u);
}

TEST(ChunkReader, EveryPrefixNeedsMoreAndConsumesNothing) {
    Message m{5, 77, msg::kVideo, 1, Bytes(500, 0x33)};
    Bytes wire;
    write_chunks(wire, m, 128);
    for (std::size_t n = 0; n < wire.size(); ++n) {
        ChunkReader r;
        Bytes prefix(wire.begin(), wire.begin() + static_cast<long>(n));
        std::size_t left = 0;
        auto msgs = read_all(r, prefix, &left);
        EXPECT_TRUE(msgs.empty()) << n;
        // Feeding the rest after the unconsumed bytes completes the message.
        Bytes rest(prefix.end() - static_cast<long>(left), prefix.end());
        rest.insert(rest.end(), wire.begin() + static_cast<long>(n), wire.end());
        auto done = read_all(r, rest);
        ASSERT_EQ(done.size(), 1u) << n;
        EXPECT_EQ(done[0].payload, m.payload);
    }
}

TEST(ChunkReader, RefusesWhatCannotBe) {
    {
        ChunkReader r;  // type 1 on a chunk stream never opened
        auto b = hex("43 000005 000002 08 ddee");
        util::ByteReader in2(b);
        EXPECT_EQ(r.read(in2).error(), make_error_code(error::malformed));
    }
    {
        ChunkReader r;  // a message over the size limit
        auto b = hex("03 000000 ffffff 09 01000000");
        util::ByteReader in(b);
        EXPECT_EQ(r.read(in).error(), make_error_code(error::too_large));
    }
    {
        ChunkReader r;  // too many chunk streams
        Bytes wire;
        for (std::uint32_t cs = 3; cs < 200; ++cs)
            write_chunks(wire, {cs, 0, 8, 1, {1}}, 128);
        util::ByteReader in(wire);
        std::error_code ec;
        for (;;) {
            auto m = r.read(in);
            if (!m) {
                ec = m.error();
                break;
            }
        }
        EXPECT_EQ(ec, make_error_code(error::too_large));
    }
}

TEST(ChunkReader, AbortDropsThePartialMessage) {
    Message big{6, 0, msg::kVideo, 1, Bytes(300, 0x5a)};
    Bytes wire;
    write_chunks(wire, big, 128);
    wire.resize(1 + 11 + 128);  // only the first chunk arrives
    write_chunks(wire, {2, 0, msg::kAbort, 0, hex("00000006")}, 128);
    write_chunks(wire, {6, 5, msg::kVideo, 1, hex("0102")}, 128);
    ChunkReader r;
    auto msgs = read_all(r, wire);
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_EQ(msgs[1].payload, hex("0102"));
    EXPECT_EQ(r.partial_bytes(), 0u);
}

}  // namespace
}  // namespace nchat::ingest::rtmp
