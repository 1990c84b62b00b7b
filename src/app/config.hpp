#pragma once
// Server configuration. Every key is settable three ways, strongest first: a command-line flag
// (`--http`), an environment variable (`NCHAT_LIVE_HTTP`), a key in the TOML config file
// (`http = "…"`); then the default. `nchat-live serve --help` lists them all.
#include <string>
#include <vector>

#include "transcode/ladder.hpp"

namespace CLI {
class App;
}

namespace nchat::app {

struct Config {
    std::string config_file;
    std::string http = "127.0.0.1:8080";
    std::string rtmp = "127.0.0.1:1935";
    std::string udp = "127.0.0.1:8189";
    std::string
        webrtc_public_ip;  // the address (or host name) WebRTC answers offer; default: udp's
    std::string data_dir = "./data";
    std::string db;  // default: sqlite:<data_dir>/nchat-live.db
    // Recording (issue 16, docs/recording.md); the spec's STREAM_RECORDING_ENABLED/_PATH too.
    bool record = true;
    std::string record_path;        // default: <data_dir>/recordings
    int record_retention_days = 0;  // 0: kept until deleted
    // The product spec's AppConfig features (GET /api/config; docs/api.md "Server features").
    bool live_streaming = true;  // publishing (RTMP, WHIP); false refuses every publish
    bool stream_chat = true;     // chat messages and questions
    bool stream_reactions = true;
    bool stream_scheduling = true;  // scheduledAt on a stream
    int max_stream_duration = 0;    // minutes live before the server ends it; 0 = unlimited
    // Chat messages, reactions and viewer sessions (issue 17, data protection); 0: kept.
    int retention_days = 90;
    std::string redis;
    std::string public_url;  // default: http://<http address>
    std::string ingest_url;  // default: rtmp://<public host>:<rtmp port>/live
    std::string web_root = "web/dist";
    std::vector<std::string> cors_origins;
    std::string jwt_secret;
    bool guests = true;           // POST /api/guest (docs/api.md, Guests)
    std::string playback_secret;  // empty: a random one per start (tokens last 5 minutes)
    std::string guest_secret;     // empty: a random one per start (guests sign in again after)
    std::string log_level = "info";
    bool access_log = true;
    bool auto_live = true;     // a publish moves the stream to live (else POST /start does)
    int reconnect_grace = 10;  // seconds a stream waits for its publisher to come back
    int part_target_ms = 334;  // LL-HLS PART-TARGET (docs/hls.md)
    int segment_target_ms = 2000;
    int threads = 0;  // 0 = one per core
    int db_readers = 2;
    int max_open_streams = 100;  // per broadcaster, not yet ended; 0 = no limit
    // Chat (docs/chat.md): per user per stream; the profanity filter.
    int chat_rate = 3;                         // messages per second (token bucket, burst the same)
    int reaction_rate = 5;                     // reactions per second
    std::string profanity_mode = "mask";       // mask or reject
    std::vector<std::string> profanity_words;  // added to the built-in list
    bool profanity_builtin = true;             // false: only profanity_words
    // Realtime WebSocket (docs/realtime.md, Limits and heartbeats).
    int ws_ping_interval = 20;       // seconds of silence before the server pings
    int ws_ping_timeout = 20;        // seconds a ping may go unanswered before the drop
    int ws_auth_timeout = 30;        // seconds to authenticate or subscribe
    int ws_max_connections = 20000;  // WebSocket connections on this node
    int ws_send_queue_kb = 512;      // unsent bytes per connection before events are dropped
    // Connections one remote address may hold (docs/configuration.md, Limits); 0 = no limit.
    int http_max_per_address = 1000;  // HTTP and WebSocket together
    int rtmp_max_per_address = 16;
    // Transcoding ladder (issue 5, docs/transcode.md); defaults from transcode::LadderConfig.
    bool transcode = true;
    std::string transcode_ladder;  // name:kbps:fps,…; empty = the product spec's table
    std::string transcode_top_rung = "auto";
    std::string transcode_encoder = "libx264";
    std::string transcode_preset = "veryfast";
    std::string transcode_tune;
    std::string transcode_profile = "high";
    std::string transcode_x264_params;
    std::string transcode_keyframes = "source";
    int transcode_threads = 1;
    int transcode_max_concurrent = 2;
    int transcode_shed_lag_ms = 1000;

    std::string db_url() const;
    // The transcode-* keys as the transcoder takes them (validated by finish_config).
    transcode::LadderConfig ladder_config() const;
    std::string effective_record_path() const {
        return record_path.empty() ? data_dir + "/recordings" : record_path;
    }
    std::string effective_public_url() const;
    std::string effective_ingest_url() const;
};

// Declares the options shared by every subcommand (config, data-dir, db) and, when `serve` is
// true, the server's. Values land in `cfg` once `finish_config` has run after parsing.
void add_config_options(CLI::App& cmd, Config& cfg, bool serve);
// Fills keys not given by flag or environment from the TOML file, then validates. Throws
// std::runtime_error with a message naming the key on a bad value.
void finish_config(CLI::App& cmd, Config& cfg);

struct HostPort {
    std::string host;
    unsigned short port = 0;
};
// "HOST:PORT" or "[v6]:PORT"; throws std::invalid_argument.
HostPort parse_host_port(const std::string& s, const std::string& key);

}  // namespace nchat::app
