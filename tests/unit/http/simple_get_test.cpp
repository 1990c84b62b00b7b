#include "http/detail/simple_get.hpp"

#include <gtest/gtest.h>

namespace nchat::http::detail {
namespace {

constexpr std::size_t kMax = 16 * 1024;

TEST(SimpleGet, TakesAPlainGet) {
    std::string req = "GET /hls/s/r/index.m3u8?_HLS_skip=YES HTTP/1.1\r\nHost: x\r\n\r\n";
    std::string bytes = req + "GET /next";  // the next pipelined request, not yet whole
    auto g = parse_simple_get(bytes, kMax);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->size, req.size());
    EXPECT_EQ(g->target, "/hls/s/r/index.m3u8?_HLS_skip=YES");
    EXPECT_TRUE(g->keep_alive);
    EXPECT_TRUE(g->origin.empty());
}

TEST(SimpleGet, ReadsConnectionCloseAndOrigin) {
    auto g = parse_simple_get(
        "GET /a HTTP/1.1\r\nConnection: keep-alive, Close\r\nOrigin:  https://x.example \r\n"
        "User-Agent: hls.js\t(test)\r\n\r\n",
        kMax);
    ASSERT_TRUE(g);
    EXPECT_FALSE(g->keep_alive);
    EXPECT_EQ(g->origin, "https://x.example");
}

TEST(SimpleGet, TakesAZeroContentLengthAndNoHeaders) {
    EXPECT_TRUE(parse_simple_get("GET /a HTTP/1.1\r\n\r\n", kMax));
    EXPECT_TRUE(parse_simple_get("GET /a HTTP/1.1\r\ncontent-length: 0\r\n\r\n", kMax));
}

// Everything else is left to the full parser: declined, never answered here.
TEST(SimpleGet, DeclinesEveryOtherShape) {
    const char* cases[] = {
        "GET /a HTTP/1.1\r\nHost: x\r\n",                         // head not complete
        "HEAD /a HTTP/1.1\r\n\r\n",                               // other method
        "POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\n",          // other method
        "get /a HTTP/1.1\r\n\r\n",                                // methods are case-sensitive
        "GET /a HTTP/1.0\r\n\r\n",                                // other version
        "GET /a HTTP/1.1 \r\n\r\n",                               // trailing space
        "GET  /a HTTP/1.1\r\n\r\n",                               // empty target
        "GET a HTTP/1.1\r\n\r\n",                                 // not origin-form
        "GET http://x/a HTTP/1.1\r\n\r\n",                        // absolute-form
        "GET /a%20b HTTP/1.1\r\n\r\n",                            // needs decoding
        "GET /a\x7f HTTP/1.1\r\n\r\n",                            // control character
        "GET /\xc3\xa9 HTTP/1.1\r\n\r\n",                         // raw non-ASCII
        "GET /a HTTP/1.1\nHost: x\r\n\r\n",                       // bare LF
        "GET /a HTTP/1.1\r\nHost x\r\n\r\n",                      // no colon
        "GET /a HTTP/1.1\r\n: x\r\n\r\n",                         // empty name
        "GET /a HTTP/1.1\r\nHo st: x\r\n\r\n",                    // space in name
        "GET /a HTTP/1.1\r\nHost : x\r\n\r\n",                    // space before colon
        "GET /a HTTP/1.1\r\nHost: x\ry\r\n\r\n",                  // CR in value
        "GET /a HTTP/1.1\r\nHost: x\x01\r\n\r\n",                 // CTL in value
        "GET /a HTTP/1.1\r\n folded\r\n\r\n",                     // obs-fold
        "GET /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",      // a body
        "GET /a HTTP/1.1\r\nContent-Length: 00\r\n\r\n",          // not plainly zero
        "GET /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",  // a body
        "GET /a HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",        // expects an interim answer
        "GET /a HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",          // an upgrade
        "GET /a HTTP/1.1\r\nConnection: Upgrade\r\n\r\n",         // an upgrade
        "GET /a HTTP/1.1\r\nConnection: a b\r\n\r\n",             // not a token list
        "GET /a HTTP/1.1\r\nOrigin: a\r\nOrigin: b\r\n\r\n",      // two origins
        "GET /a HTTP/1.1\r\nConnection: a\r\nConnection: close\r\n\r\n",  // two lists
    };
    for (const char* c : cases) {
        EXPECT_FALSE(parse_simple_get(c, kMax)) << c;
    }
}

TEST(SimpleGet, ReadsNoFurtherThanTheLimit) {
    std::string req = "GET /a HTTP/1.1\r\nX: " + std::string(100, 'y') + "\r\n\r\n";
    EXPECT_TRUE(parse_simple_get(req, req.size()));
    EXPECT_FALSE(parse_simple_get(req, req.size() - 1));
    EXPECT_FALSE(parse_simple_get(req, 0));
    EXPECT_FALSE(parse_simple_get("", kMax));
}

}  // namespace
}  // namespace nchat::http::detail
