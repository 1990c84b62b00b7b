#pragma once
// What the REST handlers share: storage, the clock, the configured public URLs, secrets.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace prometheus {
class Registry;
}
namespace nchat::store {
class Database;
}
namespace nchat::util {
class Clock;
}
namespace nchat::realtime {
class Service;
class RateLimiter;
}  // namespace nchat::realtime

namespace nchat::api {

class PlaybackAccess;

struct ApiContext {
    store::Database& db;
    util::Clock& clock;
    prometheus::Registry& metrics;
    std::string public_url;  // http(s)://host[:port], no trailing slash
    std::string ingest_url;  // rtmp://host:port/live
    std::string jwt_secret;  // empty: JWTs are refused
    std::string version;
    // Ends the live media of a stream on this node (POST /end); empty when no ingest runs.
    std::function<void(const std::string& stream_id)> end_live;
    // Runs before /metrics is serialised, to refresh gauges that are read, not pushed.
    std::function<void()> before_scrape;
    // Chat, reactions, Q&A and moderation (issue 6); the lifecycle tells it status changes.
    // Null: those routes answer 503.
    realtime::Service* realtime = nullptr;
    // What this node knows of a live stream's media (publishing, transcoder, renditions), as
    // fields of GET /api/streams/{id}/health; empty: only the stored status is reported.
    std::function<nlohmann::json(const std::string& stream_id)> media_health;
    // The stream's recording (docs/recording.md): {state, durationMs, sizeBytes, renditions, …}
    // or null when it has none; and its takedown (false: it is being recorded now).
    std::function<nlohmann::json(const std::string& stream_id)> recording;
    std::function<bool(const std::string& stream_id)> delete_recording;
    // The recording's MP4 download (a file path), empty when there is none yet.
    std::function<std::string(const std::string& stream_id)> recording_download;
    // Clips of the recording (docs/recording.md): make one (its JSON, or null with `why` when
    // nothing of it is recorded) and list them.
    std::function<nlohmann::json(const std::string& stream_id,
                                 std::int64_t from_ms,
                                 std::int64_t to_ms,
                                 const std::string& title,
                                 const std::string& user_id,
                                 std::string* why)>
        create_clip;
    std::function<nlohmann::json(const std::string& stream_id)> list_clips;
    // Media time (docs/recording.md, "Media time"): the wall-clock stretches (Unix ms, [from,
    // to)) that hold media [from_ms, to_ms) of the stream's recording, and the media time of a
    // wall-clock instant on it; nullopt when the stream has no recording here. Reads the
    // recording's index: a file read on the caller's thread.
    struct MediaWindow {
        std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
        std::function<std::optional<std::int64_t>(std::int64_t unix_ms)> media_ms;
    };
    std::function<std::optional<MediaWindow>(
        const std::string& stream_id, std::int64_t from_ms, std::int64_t to_ms)>
        media_window;
    // The stream's latest thumbnail (a JPEG file path), empty when none; once there is one, a
    // live or ended stream with no thumbnailUrl of its own gets .../thumbnail.jpg as one.
    std::function<std::string(const std::string& stream_id)> thumbnail;
    // Guests (POST /api/guest): the secret their tokens are signed with (empty: guests off) and
    // how often one address may ask for a guest token.
    std::string guest_secret;
    std::shared_ptr<realtime::RateLimiter> guest_limiter;
    // Streams a broadcaster may have not yet ended (scheduled, preparing, live); one more is
    // 409 stream_quota_exceeded. 0: no limit (--max-open-streams).
    std::int64_t max_open_streams = 100;

    // The product spec's AppConfig features as this server runs them (GET /api/config,
    // docs/api.md "Server features"): the SDK hides what is off.
    struct Features {
        bool live_streaming = true;
        bool recording = true;
        bool chat = true;
        bool reactions = true;
        bool scheduling = true;
        int max_stream_duration = 0;  // minutes; 0 = unlimited
    };
    Features features;

    // Private playback (docs/api.md): issues and checks playback tokens; null: not enabled.
    std::shared_ptr<PlaybackAccess> playback;

    std::string hls_manifest_url(const std::string& stream_id) const {
        return public_url + "/hls/" + stream_id + "/master.m3u8";
    }
};

}  // namespace nchat::api
