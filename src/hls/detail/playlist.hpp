#pragma once
// LL-HLS playlists (rfc8216bis-22): the media playlist of one rendition, delta updates, and the
// multivariant playlist served at /hls/{streamId}/master.m3u8. Pure text from a Window.
#include <cstdint>
#include <string>
#include <vector>

#include "hls/detail/window.hpp"
#include "media/track.hpp"

namespace nchat::hls {

// EXT-X-RENDITION-REPORT (§4.4.5.4) for a sibling rendition; uri is relative to the playlist.
struct RenditionReport {
    std::string uri;  // "../720p/index.m3u8"
    std::uint64_t last_msn = 0;
    std::uint32_t last_part = 0;
};
RenditionReport rendition_report(const Window& window, std::string uri);

struct PlaylistRequest {
    bool skip = false;  // _HLS_skip=YES: a delta update (§6.2.5.1)
    std::vector<RenditionReport> reports;
};
std::string media_playlist(const Window& window, const PlaylistRequest& request);

struct Variant {
    std::string uri;  // the rendition's media playlist, relative: "source/index.m3u8"
    std::vector<media::TrackInfo> tracks;
    std::uint64_t peak_bandwidth = 0;  // bits/s; 0 = unknown (the tracks' bitrates are used)
    std::uint64_t average_bandwidth = 0;
};
struct Bandwidth {
    std::uint64_t peak = 0;  // the busiest complete segment, bits/s
    std::uint64_t average = 0;
};
Bandwidth measure_bandwidth(const Window& window);
std::string multivariant_playlist(const std::vector<Variant>& variants);

}  // namespace nchat::hls
