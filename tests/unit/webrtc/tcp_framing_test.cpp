// RFC 4571 framing as ICE-TCP uses it: frames split anywhere, several in one read, an empty
// frame, and a length over the limit refused from its two bytes alone.
#include "webrtc/tcp_framing.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace nchat::webrtc {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes frames(std::initializer_list<Bytes> payloads) {
    Bytes out;
    for (const auto& p : payloads)
        append_rfc4571_frame(out, p);
    return out;
}

TEST(TcpFraming, TwoFramesInOneReadComeOutInOrder) {
    // 00 03 | 01 02 03        a 3-byte frame
    // 00 01 | 80              a 1-byte frame
    const Bytes wire = {0x00, 0x03, 0x01, 0x02, 0x03, 0x00, 0x01, 0x80};
    EXPECT_EQ(frames({{1, 2, 3}, {0x80}}), wire);
    util::ByteReader in(wire);
    auto a = read_rfc4571_frame(in, 2048);
    ASSERT_TRUE(a);
    EXPECT_EQ(Bytes(a->begin(), a->end()), (Bytes{1, 2, 3}));
    auto b = read_rfc4571_frame(in, 2048);
    ASSERT_TRUE(b);
    EXPECT_EQ(Bytes(b->begin(), b->end()), (Bytes{0x80}));
    EXPECT_TRUE(in.empty());
    auto c = read_rfc4571_frame(in, 2048);
    EXPECT_EQ(c.error(), TcpFramingError::need_more);
}

TEST(TcpFraming, EveryTruncatedPrefixNeedsMoreAndConsumesNothing) {
    const Bytes wire = frames({Bytes(300, 0x17)});
    for (std::size_t n = 0; n < wire.size(); ++n) {
        util::ByteReader in(std::span<const std::uint8_t>(wire.data(), n));
        auto f = read_rfc4571_frame(in, 2048);
        ASSERT_FALSE(f) << n;
        EXPECT_EQ(f.error(), TcpFramingError::need_more) << n;
        EXPECT_EQ(in.position(), 0u) << n;
    }
    util::ByteReader in(wire);
    auto f = read_rfc4571_frame(in, 2048);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->size(), 300u);
}

TEST(TcpFraming, AFrameSplitAcrossReadsIsWholeOnceTheRestArrives) {
    const Bytes wire = frames({{0xde, 0xad, 0xbe, 0xef}, {0x16, 0xfe}});
    // The first read ends inside the first frame's payload, the second inside the next length.
    Bytes buffered(wire.begin(), wire.begin() + 4);
    util::ByteReader first(buffered);
    EXPECT_EQ(read_rfc4571_frame(first, 2048).error(), TcpFramingError::need_more);
    buffered.insert(buffered.end(), wire.begin() + 4, wire.begin() + 7);
    util::ByteReader second(buffered);
    auto a = read_rfc4571_frame(second, 2048);
    ASSERT_TRUE(a);
    EXPECT_EQ(Bytes(a->begin(), a->end()), (Bytes{0xde, 0xad, 0xbe, 0xef}));
    EXPECT_EQ(read_rfc4571_frame(second, 2048).error(), TcpFramingError::need_more);
    EXPECT_EQ(second.position(), 6u);
}

TEST(TcpFraming, AZeroLengthFrameIsEmpty) {
    const Bytes wire = {0x00, 0x00, 0x00, 0x01, 0x42};
    util::ByteReader in(wire);
    auto a = read_rfc4571_frame(in, 2048);
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->empty());
    auto b = read_rfc4571_frame(in, 2048);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->size(), 1u);
}

TEST(TcpFraming, ALengthOverTheLimitIsRefusedFromTheLengthAlone) {
    // ff ff: 65535 bytes announced, none sent. Refused at once, not waited for.
    const Bytes wire = {0xff, 0xff};
    util::ByteReader in(wire);
    EXPECT_EQ(read_rfc4571_frame(in, 2048).error(), TcpFramingError::too_large);
    // The limit itself is allowed.
    Bytes at_limit = frames({Bytes(2048, 0x80)});
    util::ByteReader ok(at_limit);
    EXPECT_TRUE(read_rfc4571_frame(ok, 2048));
    Bytes over = frames({Bytes(2049, 0x80)});
    util::ByteReader bad(over);
    EXPECT_EQ(read_rfc4571_frame(bad, 2048).error(), TcpFramingError::too_large);
}

}  // namespace
}  // namespace nchat::webrtc
