#pragma once
// What a Transcoder reports about itself (issue 5: per-rendition counters for /metrics and
// the stream's health). A snapshot, safe to take from any thread.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nchat::transcode {

struct RungStats {
    std::string name;
    int width = 0;
    int height = 0;
    int video_kbps = 0;
    double fps = 0;
    bool passthrough = false;
    std::uint64_t frames_in = 0;   // source frames offered while the rung was active
    std::uint64_t frames_out = 0;  // video packets delivered to the output
    // Frames lost to overload: discarded on shedding or skipped in frame-drop mode. Frames a
    // 24 fps rung leaves out of a 30 fps source by design are not counted.
    std::uint64_t dropped = 0;
    bool shed = false;  // not encoded now: the output receives nothing until it recovers
    std::uint64_t times_shed = 0;
    double encode_us_per_frame = 0;  // moving average, wall time of the encode call
    std::size_t queue_depth = 0;     // frames waiting for this rung's encoder
};

struct TranscoderStats {
    std::vector<RungStats> renditions;
    // Age of the oldest frame not yet out of the transcoder: how far behind real time it is.
    double lag_ms = 0;
    // Media seconds processed per second of busy worker time (> 1: keeps up with room).
    double speed = 0;
    std::size_t queue_depth = 0;  // input packets waiting
    std::size_t max_queue_depth = 0;
    std::size_t queue_capacity = 0;
    std::uint64_t input_dropped = 0;  // packets dropped because the input queue was full
    bool limited = false;      // over the process's max concurrent transcodes: passthrough only
    int shed_level = 0;        // rungs shed + frame-drop steps
    int frame_drop_level = 0;  // 0 none, 1 every other frame, 2 three of four
    std::vector<std::string> events;  // the latest shed/recover decisions, oldest first
    std::string error;                // the latest codec failure, empty if none
    // The source's keyframes (docs/transcode.md, "Long GOPs"): the latest interval (0 until
    // two were seen), and whether it is longer than the ladder follows with 2 s segments.
    double source_keyframe_interval_s = 0;
    bool long_gop = false;
    // The top rung when it could pass the source through: "deciding", "passthrough",
    // "encoded" (for a long GOP); "fixed" when there was nothing to decide.
    std::string top_rung = "fixed";
};

}  // namespace nchat::transcode
