#include "app/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <CLI/CLI.hpp>
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

namespace nchat::app {
namespace {

// Parses `args` (argv[0] excluded) as `serve` would.
Config parse_serve(std::vector<std::string> args) {
    CLI::App app;
    Config cfg;
    add_config_options(app, cfg, true);
    std::reverse(args.begin(), args.end());  // CLI11 takes them back to front
    app.parse(args);
    finish_config(app, cfg);
    return cfg;
}

TEST(ConfigTranscode, DefaultsFlagsEnvironmentAndFile) {
    auto d = parse_serve({}).ladder_config();
    EXPECT_EQ(d.top_rung, transcode::TopRungMode::automatic);
    EXPECT_EQ(d.preset, "veryfast");
    EXPECT_EQ(d.keyframe_interval, 0);
    EXPECT_EQ(d.encoder_threads, 1);

    const std::string path = ::testing::TempDir() + "/transcode.toml";
    {
        std::ofstream f(path);
        f << "transcode_preset = \"faster\"\ntranscode_keyframes = \"2\"\n"
             "transcode_top_rung = \"transcode\"\ntranscode_max_concurrent = 3\n";
    }
    ::setenv("NCHAT_LIVE_TRANSCODE_PRESET", "superfast", 1);
    auto c = parse_serve({"--config", path, "--transcode-tune", "zerolatency"});
    ::unsetenv("NCHAT_LIVE_TRANSCODE_PRESET");
    auto l = c.ladder_config();
    EXPECT_EQ(l.preset, "superfast");  // environment beats the file
    EXPECT_EQ(l.tune, "zerolatency");
    EXPECT_EQ(l.keyframe_interval, 2);
    EXPECT_EQ(l.top_rung, transcode::TopRungMode::transcode);
    EXPECT_EQ(l.max_concurrent, 3);
}

TEST(ConfigTranscode, RejectsBadValuesNamingTheKey) {
    for (const auto& bad :
         std::vector<std::vector<std::string>>{{"--transcode-top-rung", "maybe"},
                                               {"--transcode-keyframes", "sometimes"},
                                               {"--transcode-preset", "warp"},
                                               {"--transcode-tune", "film,nope"},
                                               {"--transcode-encoder", "h265"},
                                               {"--transcode-threads", "0"},
                                               {"--transcode-shed-lag-ms", "-1"}}) {
        try {
            parse_serve(bad);
            ADD_FAILURE() << bad[0] << " accepted";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(bad[0].substr(2)), std::string::npos) << e.what();
        }
    }
}

TEST(ConfigKeys, IntegersOutOfRangeAreRefusedNamingTheKeyWhereverTheyCameFrom) {
    for (const auto& bad : std::vector<std::vector<std::string>>{{"--threads", "999"},
                                                                 {"--ws-send-queue-kb", "1"},
                                                                 {"--reconnect-grace", "-1"},
                                                                 {"--chat-rate", "0"},
                                                                 {"--part-target-ms", "100"}}) {
        try {
            parse_serve(bad);
            ADD_FAILURE() << bad[0] << " accepted";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(bad[0].substr(2) + ": "), std::string::npos)
                << e.what();
        }
    }
    const std::string path = ::testing::TempDir() + "/ranges.toml";
    {
        std::ofstream f(path);
        f << "ws_ping_interval = 0\n";
    }
    try {
        parse_serve({"--config", path});
        ADD_FAILURE() << "ws_ping_interval = 0 accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), "ws-ping-interval: 1-3600");
    }
    {
        std::ofstream f(path);
        f << "ws_ping_intervall = 5\n";
    }
    EXPECT_THROW(parse_serve({"--config", path}), std::runtime_error) << "a misspelt key";
    {
        std::ofstream f(path);
        f << "guests = false\nguest_secret = \"s\"\nws_ping_interval = 7\nprofanity_word = [\"a\", "
             "\"b\"]\n";
    }
    const auto c = parse_serve({"--config", path});
    EXPECT_FALSE(c.guests);
    EXPECT_EQ(c.guest_secret, "s");
    EXPECT_EQ(c.ws_ping_interval, 7);
    EXPECT_EQ(c.profanity_words, (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace nchat::app
