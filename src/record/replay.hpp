#pragma once
// Replay: a recorded stream's URLs under /hls/{streamId}/ once it is no longer live, answered
// from its files as VOD (rfc8216bis §4.4.3.5): master.m3u8 as the stream had it, each
// rendition's index.m3u8 made from its index (EXT-X-PLAYLIST-TYPE:VOD, EXT-X-ENDLIST), and the
// init and media segments the live playlists named, at the same URLs.
#include <optional>
#include <string_view>

#include "http/router.hpp"
#include "record/recorder.hpp"

namespace nchat::record {

class Replay {
public:
    explicit Replay(Recorder& recorder) : recorder_(recorder) {}

    // nullopt when the stream has no finished recording here (then the live origin answers).
    // `rendition` is empty for master.m3u8. Reads small files on the caller's thread.
    std::optional<http::Response> serve(const http::Request& req,
                                        std::string_view stream_id,
                                        std::string_view rendition,
                                        std::string_view file) const;

    // A clip of the stream: /hls/{streamId}/clips/{clipId}/master.m3u8 (`rendition` empty) and
    // /hls/{streamId}/clips/{clipId}/{rendition}/{index.m3u8, init, segments}, from the files,
    // live or not. nullopt: no such clip.
    std::optional<http::Response> serve_clip(const http::Request& req,
                                             std::string_view stream_id,
                                             std::string_view clip_id,
                                             std::string_view rendition,
                                             std::string_view file) const;
    // Those routes on the router.
    // The clips' GET routes, given to `add` (pattern, handler): the HLS origin adds them behind
    // its access check (private playback), like the replay's own URLs.
    void add_routes(const std::function<void(std::string, http::Handler)>& add) const;

private:
    std::optional<http::Response> serve_files(const http::Request& req,
                                              const std::filesystem::path& dir,
                                              std::string_view rendition,
                                              std::string_view file) const;
    Recorder& recorder_;
};

}  // namespace nchat::record
