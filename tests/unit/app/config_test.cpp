#include "app/config.hpp"

#include <gtest/gtest.h>

namespace nchat::app {
namespace {

TEST(HostPort, ParsesV4V6AndRejectsJunk) {
    auto a = parse_host_port("127.0.0.1:8080", "http");
    EXPECT_EQ(a.host, "127.0.0.1");
    EXPECT_EQ(a.port, 8080);
    auto b = parse_host_port("[::1]:0", "http");
    EXPECT_EQ(b.host, "::1");
    EXPECT_EQ(b.port, 0);
    for (const char* s : {"", "8080", ":8080", "host:", "host:65536", "host:80x", "[::1]8080"}) {
        EXPECT_THROW(parse_host_port(s, "http"), std::invalid_argument) << s;
    }
}

TEST(Config, DerivedUrls) {
    Config c;
    EXPECT_EQ(c.db_url(), "sqlite:./data/nchat-live.db");
    EXPECT_EQ(c.effective_public_url(), "http://127.0.0.1:8080");
    EXPECT_EQ(c.effective_ingest_url(), "rtmp://127.0.0.1:1935/live");
    c.http = "0.0.0.0:9000";
    EXPECT_EQ(c.effective_public_url(), "http://127.0.0.1:9000");
    c.public_url = "https://live.example.com/";
    c.rtmp = "0.0.0.0:1936";
    EXPECT_EQ(c.effective_public_url(), "https://live.example.com");
    EXPECT_EQ(c.effective_ingest_url(), "rtmp://live.example.com:1936/live");
    c.public_url = "https://[2001:db8::1]:8443";
    EXPECT_EQ(c.effective_ingest_url(), "rtmp://[2001:db8::1]:1936/live");
    c.db = "postgres://u@h/db";
    EXPECT_EQ(c.db_url(), "postgres://u@h/db");
}

}  // namespace
}  // namespace nchat::app
