// Server frames (RFC 6455 §5.2) as annotated bytes, and the outbound queue: gathering, partial
// writes, dropping what is unsent without tearing a frame.
#include <string>

#include <gtest/gtest.h>

#include "realtime/ws/frame.hpp"
#include "realtime/ws/frame_queue.hpp"

namespace nchat::realtime::ws {
namespace {

std::string bytes(std::initializer_list<unsigned> b) {
    std::string s;
    for (auto v : b)
        s.push_back(static_cast<char>(v));
    return s;
}

TEST(WsFrame, TextFrameHeaders) {
    // 0x81: FIN + opcode 1 (text); 0x02: no mask, length 2.
    EXPECT_EQ(text_frame("hi"), bytes({0x81, 0x02}) + "hi");
    EXPECT_EQ(text_frame(""), bytes({0x81, 0x00}));
    // 125 is the last 7-bit length; 126 switches to a 16-bit length (0x7e, then 00 7e).
    EXPECT_EQ(text_frame(std::string(125, 'a')).substr(0, 2), bytes({0x81, 0x7d}));
    EXPECT_EQ(text_frame(std::string(126, 'a')).substr(0, 4), bytes({0x81, 0x7e, 0x00, 0x7e}));
    EXPECT_EQ(text_frame(std::string(65535, 'a')).substr(0, 4), bytes({0x81, 0x7e, 0xff, 0xff}));
    // 65536: 0x7f, then a 64-bit length 00 00 00 00 00 01 00 00.
    auto big = text_frame(std::string(65536, 'a'));
    EXPECT_EQ(big.substr(0, 10),
              bytes({0x81, 0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
    EXPECT_EQ(big.size(), 65536u + 10);
}

TEST(WsFrame, ControlFrames) {
    EXPECT_EQ(ping_frame(), bytes({0x89, 0x00}));
    // 0x88 close, length 2 + reason, code 1001 = 0x03e9.
    EXPECT_EQ(close_frame(1001, "bye"), bytes({0x88, 0x05, 0x03, 0xe9}) + "bye");
    // The reason is cut to 123 bytes: a control frame carries at most 125 (§5.5).
    EXPECT_EQ(close_frame(1000, std::string(300, 'x')).size(), 2u + 125u);
}

std::string written(const Gather& g) {
    std::string out;
    for (const auto& b : g)
        out.append(static_cast<const char*>(b.data()), b.size());
    return out;
}

Frame f(std::string s) {
    return std::make_shared<const std::string>(std::move(s));
}

TEST(FrameQueue, GathersAndConsumesPartialWrites) {
    FrameQueue q;
    EXPECT_TRUE(q.empty());
    q.push(f("aaa"));
    q.push(f("bb"));
    q.push(f("cccc"));
    EXPECT_EQ(q.frames(), 3u);
    EXPECT_EQ(q.bytes(), 9u);
    EXPECT_EQ(written(q.gather()), "aaabbcccc");
    EXPECT_EQ(written(q.gather(2)), "aaabb");
    q.consume(4);  // "aaa" and one "b"
    EXPECT_EQ(q.frames(), 2u);
    EXPECT_EQ(q.bytes(), 5u);
    EXPECT_EQ(written(q.gather()), "bcccc");
    q.consume(5);
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.bytes(), 0u);
}

TEST(FrameQueue, DropKeepsAFramePartlyOnTheWire) {
    FrameQueue q;
    for (auto s : {"aaa", "bbb", "ccc"})
        q.push(f(s));
    q.consume(1);
    EXPECT_EQ(q.drop_unsent(0), 2u);
    EXPECT_EQ(written(q.gather()), "aa");
    EXPECT_EQ(q.bytes(), 2u);
    q.consume(2);
    EXPECT_TRUE(q.empty());

    for (auto s : {"aaa", "bbb", "ccc"})
        q.push(f(s));
    EXPECT_EQ(q.drop_unsent(0), 3u);
    EXPECT_TRUE(q.empty());
}

TEST(FrameQueue, ManyFramesStayInOrderAcrossCompaction) {
    FrameQueue q;
    std::string expect;
    for (int i = 0; i < 1000; ++i) {
        auto s = std::to_string(i) + ",";
        expect += s;
        q.push(f(s));
    }
    std::string got;
    while (!q.empty()) {
        auto g = q.gather();
        auto w = written(g);
        auto n = std::min<std::size_t>(w.size(), 7);  // a socket that takes 7 bytes at a time
        got += w.substr(0, n);
        q.consume(n);
    }
    EXPECT_EQ(got, expect);
}

TEST(FrameQueue, SharesTheFrameWithoutCopying) {
    auto frame = f("shared");
    FrameQueue a, b;
    a.push(frame);
    b.push(frame);
    EXPECT_EQ(frame.use_count(), 3);
    EXPECT_EQ(a.gather().begin()->data(), b.gather().begin()->data());
    a.consume(6);
    b.consume(6);
    EXPECT_EQ(frame.use_count(), 1);
}

}  // namespace
}  // namespace nchat::realtime::ws
