#pragma once
// Adds a query parameter to every URI of a playlist: the URI lines (segments, parts' segments,
// renditions of a multivariant playlist) and the URI="…" attributes of tags (EXT-X-MAP,
// EXT-X-PART, EXT-X-PRELOAD-HINT, EXT-X-RENDITION-REPORT, EXT-X-MEDIA, …). A private stream's
// playback token travels this way (docs/api.md, "Private playback"): a player follows the URIs
// it is given, so hls.js, Safari, ffprobe and HTTP caches need nothing else. `param` is
// "name=value", already safe in a URL; a URI with a query gets "&param", one without "?param".
#include <string>
#include <string_view>

namespace nchat::hls {

std::string add_query_to_uris(std::string_view playlist, std::string_view param);

}  // namespace nchat::hls
