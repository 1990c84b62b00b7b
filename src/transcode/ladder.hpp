#pragma once
// The adaptive-bitrate ladder (issue 5, product spec "Quality Levels"): which renditions a
// stream gets, at what size, bitrate and frame rate, and the encoder settings they share.
// Planning is a pure function of the source track, the stream's maxResolution and the config.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/track.hpp"

namespace nchat::transcode {

// One rendition. `height` is the short side for portrait sources (a 1080x1920 phone stream's
// "720p" rung is 720x1280), so "720p" means the same quality whichever way the camera is held.
struct Rung {
    std::string name;  // "720p"; the passthrough rung is named after the source ("1080p")
    int width = 0;
    int height = 0;
    int video_kbps = 0;
    double fps = 0;
    bool passthrough = false;  // the source's own packets, not re-encoded

    bool operator==(const Rung&) const = default;
};

// A row of the ladder table: the rung's nominal short side, bitrate and frame rate.
struct LadderStep {
    std::string name;
    int short_side = 0;
    int video_kbps = 0;
    double fps = 0;
};

enum class TopRungMode : std::uint8_t {
    // Passthrough when the source is H.264 at most twice the top rung's bitrate (unknown
    // bitrate counts as within), else transcode.
    automatic,
    passthrough,
    transcode,
};

struct LadderConfig {
    // The product spec's table, largest first.
    std::vector<LadderStep> ladder = {
        {"1080p", 1080, 3000, 30},
        {"720p", 720, 1500, 30},
        {"480p", 480, 800, 24},
        {"360p", 360, 400, 24},
    };
    TopRungMode top_rung = TopRungMode::automatic;

    // Encoder. libx264 through libavcodec is the tested path; h264_nvenc, h264_vaapi and
    // h264_qsv are accepted when this FFmpeg build has them (supported_encoders()).
    std::string encoder = "libx264";
    // docs/transcode.md has the measurements behind these defaults.
    std::string preset = "veryfast";
    std::string tune;  // empty = none; "zerolatency" adds sliced threads
    std::string profile = "high";
    // Extra x264 options appended last ("key=value:key=value"); after the ones we set
    // (bframes=0, rc-lookahead=0, scenecut=0, keyint=infinite), so they can override them.
    std::string x264_params;
    // IDR placement (docs/transcode.md, "IDRs line up"). Beside a passthrough rung, always at
    // the source's keyframes. When every rung is encoded: every `keyframe_interval` seconds,
    // 0 = every `segment_seconds` (the HLS segment target).
    double keyframe_interval = 0;
    double segment_seconds = 2;
    // A source whose keyframes are further apart than this (OBS's default is 250 frames,
    // 8.3 s at 30 fps) has its top rung encoded too, when a transcode slot is free, so every
    // rendition gets 2 s segments; otherwise every rung follows the source's long GOP.
    double long_gop_seconds = 2.4;

    // Threads: x264 threads per encoder (rungs already encode in parallel, one thread each).
    int encoder_threads = 1;
    // Transcoders allowed at once in this process; beyond it a stream gets passthrough only.
    int max_concurrent = 4;

    // Load shedding (docs/transcode.md): shed when the oldest unfinished frame is older than
    // `shed_lag_ms` (0 = never shed: benchmarks that feed as fast as they can), one step per
    // `shed_cooldown_ms`; recover one step after `recover_after_ms` below `recover_lag_ms`.
    int shed_lag_ms = 1000;
    int shed_cooldown_ms = 2000;
    int recover_lag_ms = 250;
    int recover_after_ms = 10000;
    // Input queue bound: packets and bytes waiting for the worker.
    int max_queued_packets = 300;
    int max_queued_bytes = 32 * 1024 * 1024;
};

// "1080p" → 1080; nullopt when not of the form <digits>p.
std::optional<int> parse_resolution(std::string_view name);
// "auto" | "passthrough" | "transcode".
std::optional<TopRungMode> parse_top_rung_mode(std::string_view s);
std::string_view to_string(TopRungMode m);
// "1080p:3000:30,720p:1500:30,…" (name:kbps:fps; the name's number is the short side) → the
// steps, largest first. 1-8 rungs, short side 144-4320 and even, 100-100000 kb/s, 1-120 fps,
// each short side once. nullopt (and *error says why) otherwise.
std::optional<std::vector<LadderStep>> parse_ladder(std::string_view s, std::string* error);
// "source" → 0; "2" / "2.5" → seconds (0.5-10); nullopt otherwise.
std::optional<double> parse_keyframe_policy(std::string_view s);
// True when this FFmpeg build has an encoder of that name (avcodec_find_encoder_by_name).
bool encoder_available(const std::string& name);

// The renditions for a source, largest first. Rungs taller (short side) than the source or
// than `max_resolution` ("1080p".."360p"; empty = no limit) are left out; sizes keep the
// source's aspect ratio with even dimensions. The top rung is the source itself (passthrough)
// when the mode allows it and the source fits under max_resolution; then ladder rungs of the
// source's size are not encoded again. A source smaller than every rung is passed through.
std::vector<Rung> plan_ladder(const media::TrackInfo& source_video,
                              std::string_view max_resolution,
                              const LadderConfig& config);
// A passthrough top rung encoded instead (the source's GOP is too long to follow): same name
// and size, the bitrate and frame rate of the ladder step it occupies.
Rung encoded_top_rung(const Rung& passthrough, const LadderConfig& config);

}  // namespace nchat::transcode
