#include "app/config.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <variant>

#include <CLI/CLI.hpp>
#include <toml++/toml.h>

namespace nchat::app {
namespace {

std::string env_name(const std::string& key) {
    std::string out = "NCHAT_LIVE_";
    for (char c : key)
        out.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(c)));
    return out;
}

template <class T>
CLI::Option* add(CLI::App& cmd, const std::string& key, T& value, const std::string& help) {
    auto* opt = cmd.add_option("--" + key, value, help)->envname(env_name(key));
    if constexpr (std::is_same_v<T, std::vector<std::string>>) {
        // An empty list has no default to set (CLI11 would demand an element).
        opt->type_size(1)->expected(1, -1)->allow_extra_args(false);
    } else {
        opt->default_val(value)->capture_default_str();
    }
    return opt;
}

// A key is "given" when its flag or environment variable was used; only then does it beat
// the config file.
bool given(CLI::App& cmd, const std::string& key) {
    auto* opt = cmd.get_option_no_throw("--" + key);
    return opt && opt->count() > 0;
}

std::string file_key(const char* name) {
    std::string k = name;
    for (auto& c : k)
        c = c == '-' ? '_' : c;
    return k;
}

template <class T>
void from_file(const toml::table& t, CLI::App& cmd, const std::string& key, T& out) {
    const auto tkey = file_key(key.c_str());
    auto node = t[tkey];
    if (!node || given(cmd, key)) return;
    auto wrong = [&](const char* want) {
        return std::runtime_error("config file: " + tkey + " must be " + want);
    };
    if constexpr (std::is_same_v<T, std::vector<std::string>>) {
        auto* arr = node.as_array();
        if (!arr) throw wrong("an array of strings");
        out.clear();
        for (auto& el : *arr) {
            auto v = el.template value<std::string>();
            if (!v) throw wrong("an array of strings");
            out.push_back(*v);
        }
    } else {
        using V = std::conditional_t<std::is_same_v<T, int>, std::int64_t, T>;
        auto v = node.template value<V>();
        if (!v)
            throw wrong(std::is_same_v<T, int>    ? "an integer"
                        : std::is_same_v<T, bool> ? "true or false"
                                                  : "a string");
        out = static_cast<T>(*v);
    }
}

bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
    for (const char* a : allowed) {
        if (v == a) return true;
    }
    return false;
}

// Every key, once: its name (flag `--name`, environment `NCHAT_LIVE_NAME`, file key `name` with
// underscores), where it lands in Config, its help, whether only `serve` has it, and for an
// integer the range it must be in (checked after parsing; `note` ends that message).
using Field = std::variant<std::string Config::*,
                           int Config::*,
                           bool Config::*,
                           std::vector<std::string> Config::*>;
struct Key {
    const char* name;
    Field field;
    const char* help;
    bool serve_only = true;
    int lo = 0;
    int hi = 0;  // lo == hi == 0: no range
    const char* note = "";
};

const Key kKeys[] = {
    {"data-dir", &Config::data_dir, "Directory for the embedded database and recordings", false},
    {"db", &Config::db,
     "Database URL: sqlite:PATH or postgres://USER@HOST:PORT/DB (default: "
     "sqlite:DATA_DIR/nchat-live.db)",
     false},
    {"record", &Config::record,
     "Record every live stream: each rendition's segments, replayed after it ends (also "
     "STREAM_RECORDING_ENABLED)"},
    {"record-path", &Config::record_path,
     "Directory for recordings (default: DATA_DIR/recordings; also STREAM_RECORDING_PATH)"},
    {"record-retention-days", &Config::record_retention_days,
     "Days a finished recording is kept before it is deleted (0 = until deleted by hand)", true, 0,
     36500, " days"},
    {"live-streaming", &Config::live_streaming,
     "Broadcasters may go live (RTMP, WHIP); false refuses every publish (AppConfig "
     "liveStreaming)"},
    {"stream-chat", &Config::stream_chat,
     "Viewers may chat and ask questions (AppConfig streamChat)"},
    {"stream-reactions", &Config::stream_reactions,
     "Viewers may send reactions (AppConfig streamReactions)"},
    {"stream-scheduling", &Config::stream_scheduling,
     "Streams may be scheduled ahead (scheduledAt; AppConfig streamScheduling)"},
    {"max-stream-duration", &Config::max_stream_duration,
     "Minutes a stream may stay live before the server ends it, the broadcaster warned 5 "
     "minutes before (0 = unlimited; AppConfig maxStreamDuration)",
     true, 0, 525600, " minutes"},
    {"retention-days", &Config::retention_days,
     "Days chat messages, reactions and ended viewer sessions are kept; swept hourly (0 = kept)",
     true, 0, 36500, " days"},
    {"log-level", &Config::log_level, "trace, debug, info, warn, error or off", false},
    {"http", &Config::http, "HTTP listen address (API, HLS, web app, WebSocket)"},
    {"rtmp", &Config::rtmp, "RTMP ingest listen address"},
    {"udp", &Config::udp, "UDP address for WebRTC media (WHIP, WHEP): one port for every session"},
    {"webrtc-public-ip", &Config::webrtc_public_ip,
     "Address or host name browsers reach the UDP port at, for a server behind NAT (default: the "
     "--udp address, or this machine's addresses when it is 0.0.0.0)"},
    {"redis", &Config::redis, "Redis URL for several nodes (redis://HOST:PORT); empty = one node"},
    {"public-url", &Config::public_url,
     "Base URL viewers reach the HTTP server at (default: http://<http address>)"},
    {"ingest-url", &Config::ingest_url,
     "RTMP URL broadcasters publish to (default: rtmp://<public host>:<rtmp port>/live)"},
    {"web-root", &Config::web_root, "Directory of the built web app; served at /"},
    {"cors-origin", &Config::cors_origins,
     "Web origin allowed to call the API from a browser (repeatable; * = any)"},
    {"jwt-secret", &Config::jwt_secret,
     "HS256 secret for JWTs issued by the chat application (empty = JWTs refused)"},
    {"guests", &Config::guests,
     "Viewers without an account may take a guest name to chat (POST /api/guest)"},
    {"guest-secret", &Config::guest_secret,
     "HS256 secret for guest tokens, the same on every node (empty = a new one per start)"},
    {"playback-secret", &Config::playback_secret,
     "HMAC secret of private streams' playback tokens, the same on every node (empty = a new "
     "one per start)"},
    {"access-log", &Config::access_log, "One log line per HTTP request"},
    {"auto-live", &Config::auto_live,
     "A publish moves the stream to live; false keeps it preparing until POST /start"},
    {"reconnect-grace", &Config::reconnect_grace,
     "Seconds a stream stays live waiting for its publisher to come back", true, 0, 3600,
     " seconds"},
    {"part-target-ms", &Config::part_target_ms, "LL-HLS part target in ms (200-1000)", true, 200,
     1000},
    {"segment-target-ms", &Config::segment_target_ms, "HLS segment target in ms (1000-10000)"},
    {"threads", &Config::threads, "Network threads (0 = one per core)", true, 0, 256},
    {"db-readers", &Config::db_readers, "Database reader connections", true, 0, 64},
    {"max-open-streams", &Config::max_open_streams,
     "Streams a broadcaster may have not yet ended; one more is 409 stream_quota_exceeded (0 = "
     "no limit)",
     true, 0, 1'000'000, " (0 = no limit)"},
    {"chat-rate", &Config::chat_rate, "Chat messages per second per user per stream (1-10000)",
     true, 1, 10000},
    {"reaction-rate", &Config::reaction_rate, "Reactions per second per user per stream (1-10000)",
     true, 1, 10000},
    {"profanity-mode", &Config::profanity_mode,
     "What the chat does with a listed word: mask (asterisks) or reject (400 profanity)"},
    {"profanity-word", &Config::profanity_words,
     "A word the chat filters, besides the built-in list (repeatable)"},
    {"profanity-builtin", &Config::profanity_builtin,
     "Filter the built-in list of common English profanity too"},
    {"ws-ping-interval", &Config::ws_ping_interval,
     "Seconds a WebSocket may stay silent before the server pings it (1-3600)", true, 1, 3600},
    {"ws-ping-timeout", &Config::ws_ping_timeout,
     "Seconds a ping may go unanswered before the connection is dropped (1-3600)", true, 1, 3600},
    {"ws-auth-timeout", &Config::ws_auth_timeout,
     "Seconds a WebSocket has to authenticate or subscribe (1-3600)", true, 1, 3600},
    {"ws-max-connections", &Config::ws_max_connections,
     "WebSocket connections this node accepts (1-1000000)", true, 1, 1'000'000},
    {"ws-send-queue-kb", &Config::ws_send_queue_kb,
     "Unsent KiB per WebSocket before its events are dropped (16-65536)", true, 16, 65536},
    {"http-max-per-address", &Config::http_max_per_address,
     "HTTP and WebSocket connections one address may hold (0 = no limit; 127.0.0.1 and ::1 are "
     "not counted)",
     true, 0, 1'000'000},
    {"rtmp-max-per-address", &Config::rtmp_max_per_address,
     "RTMP connections one address may hold (0 = no limit; 127.0.0.1 and ::1 are not counted)",
     true, 0, 100'000},
    {"transcode", &Config::transcode,
     "Transcode each live stream into the quality ladder (false: the source only)"},
    {"transcode-ladder", &Config::transcode_ladder,
     "The ladder as name:kbps:fps,... (empty: 1080p:3000:30,720p:1500:30,480p:800:24,"
     "360p:400:24)"},
    {"transcode-top-rung", &Config::transcode_top_rung,
     "Top rendition: auto (the source when within 2x the rung's bitrate), passthrough or "
     "transcode"},
    {"transcode-encoder", &Config::transcode_encoder,
     "H.264 encoder: libx264, or h264_nvenc / h264_qsv where FFmpeg has them"},
    {"transcode-preset", &Config::transcode_preset, "x264 preset (ultrafast … placebo)"},
    {"transcode-tune", &Config::transcode_tune, "x264 tune (empty = none; e.g. zerolatency)"},
    {"transcode-profile", &Config::transcode_profile, "H.264 profile: baseline, main or high"},
    {"transcode-x264-params", &Config::transcode_x264_params,
     "Extra x264 options key=value:key=value, applied last"},
    {"transcode-keyframes", &Config::transcode_keyframes,
     "IDR placement: source (at the source's keyframes) or a cadence in seconds (0.5-10)"},
    {"transcode-threads", &Config::transcode_threads,
     "x264 threads per rendition (rungs already encode in parallel)", true, 1, 16},
    {"transcode-max-concurrent", &Config::transcode_max_concurrent,
     "Streams transcoded at once; more get the source only (0 = no limit)", true, 0, 256,
     " (0 = no limit)"},
    {"transcode-shed-lag-ms", &Config::transcode_shed_lag_ms,
     "Lag behind real time at which the transcoder sheds its lowest rung (0 = never)", true, 0,
     60000},
};

void validate_transcode(const Config& cfg) {
    if (!transcode::parse_top_rung_mode(cfg.transcode_top_rung)) {
        throw std::runtime_error("transcode-top-rung: auto, passthrough or transcode");
    }
    if (!cfg.transcode_ladder.empty()) {
        std::string why;
        if (!transcode::parse_ladder(cfg.transcode_ladder, &why)) {
            throw std::runtime_error("transcode-ladder: " + why);
        }
    }
    if (!transcode::parse_keyframe_policy(cfg.transcode_keyframes)) {
        throw std::runtime_error("transcode-keyframes: source or 0.5-10 (seconds)");
    }
    if (!one_of(cfg.transcode_encoder, {"libx264", "h264_nvenc", "h264_qsv", "h264_vaapi"})) {
        throw std::runtime_error("transcode-encoder: libx264, h264_nvenc, h264_qsv or h264_vaapi");
    }
    if (cfg.transcode && !transcode::encoder_available(cfg.transcode_encoder)) {
        throw std::runtime_error("transcode-encoder: " + cfg.transcode_encoder +
                                 " is not in this FFmpeg build");
    }
    if (cfg.transcode_encoder == "libx264" &&
        !one_of(cfg.transcode_preset, {"ultrafast", "superfast", "veryfast", "faster", "fast",
                                       "medium", "slow", "slower", "veryslow", "placebo"})) {
        throw std::runtime_error("transcode-preset: an x264 preset, ultrafast … placebo");
    }
    std::size_t start = 0;
    while (!cfg.transcode_tune.empty() && start <= cfg.transcode_tune.size()) {
        const auto comma = cfg.transcode_tune.find(',', start);
        const auto t = cfg.transcode_tune.substr(start, comma - start);
        if (!one_of(t, {"film", "animation", "grain", "stillimage", "psnr", "ssim", "fastdecode",
                        "zerolatency"})) {
            throw std::runtime_error("transcode-tune: unknown x264 tune '" + t + "'");
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (!one_of(cfg.transcode_profile, {"baseline", "main", "high"})) {
        throw std::runtime_error("transcode-profile: baseline, main or high");
    }
}

}  // namespace

HostPort parse_host_port(const std::string& s, const std::string& key) {
    HostPort hp;
    std::string port;
    if (!s.empty() && s.front() == '[') {
        auto close = s.find(']');
        if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':') {
            throw std::invalid_argument(key + ": expected [IPV6]:PORT, got '" + s + "'");
        }
        hp.host = s.substr(1, close - 1);
        port = s.substr(close + 2);
    } else {
        auto colon = s.rfind(':');
        if (colon == std::string::npos) {
            throw std::invalid_argument(key + ": expected HOST:PORT, got '" + s + "'");
        }
        hp.host = s.substr(0, colon);
        port = s.substr(colon + 1);
    }
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (hp.host.empty() || ec != std::errc{} || p != port.data() + port.size() || value > 65535) {
        throw std::invalid_argument(key + ": expected HOST:PORT with a port 0-65535, got '" + s +
                                    "'");
    }
    hp.port = static_cast<unsigned short>(value);
    return hp;
}

transcode::LadderConfig Config::ladder_config() const {
    transcode::LadderConfig c;
    if (!transcode_ladder.empty()) {
        c.ladder = transcode::parse_ladder(transcode_ladder, nullptr).value_or(c.ladder);
    }
    c.top_rung = transcode::parse_top_rung_mode(transcode_top_rung).value_or(c.top_rung);
    c.encoder = transcode_encoder;
    c.preset = transcode_preset;
    c.tune = transcode_tune;
    c.profile = transcode_profile;
    c.x264_params = transcode_x264_params;
    c.keyframe_interval = transcode::parse_keyframe_policy(transcode_keyframes).value_or(0);
    c.encoder_threads = transcode_threads;
    c.max_concurrent = transcode_max_concurrent;
    c.shed_lag_ms = transcode_shed_lag_ms;
    return c;
}

std::string Config::db_url() const {
    if (!db.empty()) return db;
    return "sqlite:" + data_dir + "/nchat-live.db";
}

std::string Config::effective_public_url() const {
    if (!public_url.empty()) {
        auto u = public_url;
        while (!u.empty() && u.back() == '/')
            u.pop_back();
        return u;
    }
    auto hp = parse_host_port(http, "http");
    std::string host = hp.host == "0.0.0.0" || hp.host == "::" ? "127.0.0.1" : hp.host;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return "http://" + host + ":" + std::to_string(hp.port);
}

std::string Config::effective_ingest_url() const {
    if (!ingest_url.empty()) return ingest_url;
    // The host a broadcaster reaches is the public URL's host; the port is the RTMP listener's.
    auto pub = effective_public_url();
    auto scheme_end = pub.find("://");
    auto host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    auto host_end = pub.find_first_of("/", host_start);
    auto authority = pub.substr(host_start, host_end - host_start);
    std::string host = authority;
    if (!authority.empty() && authority.front() == '[') {
        host = authority.substr(0, authority.find(']') + 1);
    } else if (auto c = authority.rfind(':'); c != std::string::npos) {
        host = authority.substr(0, c);
    }
    auto hp = parse_host_port(rtmp, "rtmp");
    return "rtmp://" + host + ":" + std::to_string(hp.port) + "/live";
}

void add_config_options(CLI::App& cmd, Config& cfg, bool serve) {
    cmd.add_option("--config", cfg.config_file, "TOML configuration file")
        ->envname("NCHAT_LIVE_CONFIG");
    for (const Key& k : kKeys) {
        if (k.serve_only && !serve) continue;
        std::visit([&](auto member) { add(cmd, k.name, cfg.*member, k.help); }, k.field);
    }
}

void finish_config(CLI::App& cmd, Config& cfg) {
    if (!cfg.config_file.empty()) {
        toml::table t;
        try {
            t = toml::parse_file(cfg.config_file);
        } catch (const toml::parse_error& e) {
            throw std::runtime_error("config file " + cfg.config_file + ": " +
                                     std::string(e.description()));
        }
        for (auto& [k, v] : t) {
            bool known = false;
            for (const Key& key : kKeys)
                known = known || k.str() == file_key(key.name);
            if (!known) {
                throw std::runtime_error("config file " + cfg.config_file + ": unknown key '" +
                                         std::string(k.str()) + "'");
            }
        }
        const bool serve = cmd.get_option_no_throw("--http") != nullptr;
        for (const Key& k : kKeys) {
            if (k.serve_only && !serve) continue;
            std::visit([&](auto member) { from_file(t, cmd, k.name, cfg.*member); }, k.field);
        }
    }
    // The product spec's names for the recording keys, when ours were not given.
    if (const char* v = std::getenv("STREAM_RECORDING_ENABLED"); v && !given(cmd, "record")) {
        std::string s = v;
        if (s != "true" && s != "false" && s != "1" && s != "0")
            throw std::runtime_error("STREAM_RECORDING_ENABLED: true or false");
        cfg.record = s == "true" || s == "1";
    }
    if (const char* v = std::getenv("STREAM_RECORDING_PATH"); v && !given(cmd, "record-path"))
        cfg.record_path = v;
    static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    bool level_ok = false;
    for (auto* l : kLevels)
        level_ok = level_ok || cfg.log_level == l;
    if (!level_ok) throw std::runtime_error("log-level: unknown level '" + cfg.log_level + "'");
    if (cmd.get_option_no_throw("--http")) {
        parse_host_port(cfg.http, "http");
        parse_host_port(cfg.rtmp, "rtmp");
        parse_host_port(cfg.udp, "udp");
        for (const Key& k : kKeys) {
            const auto* member = std::get_if<int Config::*>(&k.field);
            if (member == nullptr || (k.lo == 0 && k.hi == 0)) continue;
            const int v = cfg.**member;
            if (v < k.lo || v > k.hi) {
                throw std::runtime_error(std::string(k.name) + ": " + std::to_string(k.lo) + "-" +
                                         std::to_string(k.hi) + k.note);
            }
        }
        if (cfg.segment_target_ms < 1000 || cfg.segment_target_ms > 10000 ||
            cfg.segment_target_ms < 2 * cfg.part_target_ms) {
            throw std::runtime_error("segment-target-ms: 1000-10000 and at least 2 parts");
        }
        if (cfg.profanity_mode != "mask" && cfg.profanity_mode != "reject") {
            throw std::runtime_error("profanity-mode: mask or reject");
        }
        if (!cfg.redis.empty() && cfg.redis.rfind("redis://", 0) != 0) {
            throw std::runtime_error("redis: expected redis://HOST:PORT");
        }
        validate_transcode(cfg);
    }
    auto url = cfg.db_url();
    if (url.rfind("sqlite:", 0) != 0 && url.rfind("postgres://", 0) != 0 &&
        url.rfind("postgresql://", 0) != 0) {
        throw std::runtime_error("db: expected sqlite:PATH or postgres://…");
    }
}

}  // namespace nchat::app
