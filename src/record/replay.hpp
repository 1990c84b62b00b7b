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

private:
    Recorder& recorder_;
};

}  // namespace nchat::record
