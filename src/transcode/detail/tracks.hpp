#pragma once
// Equality of track descriptions as an output sees them: an output is told again only when
// its init segment would change (every on_tracks after the first is a discontinuity to HLS).
#include <vector>

#include "media/track.hpp"

namespace nchat::transcode::detail {

inline bool same_track(const media::TrackInfo& a, const media::TrackInfo& b) {
    return a.kind == b.kind && a.codec == b.codec && a.timescale == b.timescale &&
           a.extradata == b.extradata && a.width == b.width && a.height == b.height &&
           a.sample_rate == b.sample_rate && a.channels == b.channels &&
           a.codec_string == b.codec_string;
}

inline bool same_tracks(const std::vector<media::TrackInfo>& a,
                        const std::vector<media::TrackInfo>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same_track(a[i], b[i])) return false;
    }
    return true;
}

}  // namespace nchat::transcode::detail
