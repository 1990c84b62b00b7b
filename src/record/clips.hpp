#pragma once
// Clips (issue 16): a stretch of a stream's recording, during or after the live stream, made at
// once as a VOD over the recorded segments (no copy, no re-encode), kept beside the recording
// (<root>/<streamId>/clips/<clipId>.json) and gone with it on a takedown.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "record/index.hpp"

namespace nchat::record {

// The longest clip (issue 16: two minutes).
inline constexpr std::int64_t kMaxClipMs = 120'000;

struct Clip {
    std::string id;
    std::string stream_id;
    std::string title;
    std::string created_at;    // ISO 8601
    std::string created_by;    // user id
    std::int64_t from_ms = 0;  // where it was cut: media time of the stream, 0 at its first frame
    std::int64_t to_ms = 0;
    std::uint64_t first_msn = 0;
    std::uint64_t last_msn = 0;
};

// Cuts [from_ms, to_ms) of the recording whose best rendition is `rendition` in `stream_dir`:
// from the start of the segment holding from_ms (a keyframe, so the clip plays from its first
// frame) to the end of the segment holding to_ms - 1, clamped to what is recorded so far. The
// clip's from_ms/to_ms say where it was cut. nullopt with `why` when nothing of it is recorded.
std::optional<Clip> cut_clip(const std::filesystem::path& stream_dir,
                             const std::string& rendition,
                             std::int64_t from_ms,
                             std::int64_t to_ms,
                             std::string* why);

std::error_code save_clip(const std::filesystem::path& stream_dir, const Clip& clip);
std::optional<Clip> load_clip(const std::filesystem::path& stream_dir, const std::string& id);
// Newest first.
std::vector<Clip> list_clips(const std::filesystem::path& stream_dir);
// The index entries a clip lists of one rendition.
std::vector<IndexEntry> clip_entries(const std::filesystem::path& stream_dir,
                                     const std::string& rendition,
                                     const Clip& clip);

nlohmann::json clip_json(const Clip& c);

}  // namespace nchat::record
