#pragma once
// The MP4 download of a recording (GET /api/streams/{id}/recording.mp4): one rendition's init and
// media segments joined and remuxed by libavformat into a progressive MP4 with its index first
// (faststart), so any player and ffprobe see its duration and can seek. No re-encode.
#include <filesystem>
#include <span>
#include <string>
#include <system_error>

#include "record/index.hpp"

namespace nchat::record {

// FFmpeg's AVERROR codes as std::error_code.
const std::error_category& ffmpeg_category();

// Writes `out` from the segments of `entries` in `rendition_dir`: from the first segment up to
// the first discontinuity whose init segment differs (a new codec configuration cannot follow
// in one MP4 track; `*truncated` says it stopped there). Gap segments are left out.
std::error_code make_mp4(const std::filesystem::path& rendition_dir,
                         std::span<const IndexEntry> entries,
                         const std::filesystem::path& out,
                         bool* truncated);

}  // namespace nchat::record
