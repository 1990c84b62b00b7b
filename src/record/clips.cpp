#include "record/clips.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "record/detail/writer.hpp"
#include "record/recorder.hpp"

namespace nchat::record {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxClipFile = 64 * 1024;
constexpr std::size_t kMaxClipsListed = 1000;

std::optional<Clip> from_json(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    Clip c;
    try {
        c.id = j.at("id").get<std::string>();
        c.stream_id = j.at("streamId").get<std::string>();
        c.title = j.at("title").get<std::string>();
        c.created_at = j.value("createdAt", "");
        c.created_by = j.value("createdBy", "");
        c.from_ms = j.at("fromMs").get<std::int64_t>();
        c.to_ms = j.at("toMs").get<std::int64_t>();
        c.first_msn = j.at("firstMsn").get<std::uint64_t>();
        c.last_msn = j.at("lastMsn").get<std::uint64_t>();
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
    return c;
}

}  // namespace

std::optional<Clip> cut_clip(const fs::path& stream_dir,
                             const std::string& rendition,
                             std::int64_t from_ms,
                             std::int64_t to_ms,
                             std::string* why) {
    auto entries = read_index(stream_dir / rendition);
    std::int64_t t = 0;  // media time of the segment's start, in µs
    std::optional<std::size_t> first;
    std::size_t last = 0;
    std::int64_t first_us = 0;
    std::int64_t end_us = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::int64_t start = t;
        t += entries[i].duration_us;
        if (t <= from_ms * 1000) continue;  // ends before the clip
        if (start >= to_ms * 1000) break;   // starts after it
        if (!first) {
            first = i;
            first_us = start;
        }
        last = i;
        end_us = t;
    }
    if (!first) {
        *why = "fromMs is past the end of what is recorded (" + std::to_string(t / 1000) + " ms)";
        return std::nullopt;
    }
    Clip c;
    c.from_ms = first_us / 1000;
    c.to_ms = end_us / 1000;
    c.first_msn = entries[*first].msn;
    c.last_msn = entries[last].msn;
    return c;
}

std::error_code save_clip(const fs::path& stream_dir, const Clip& clip) {
    std::error_code ec;
    fs::create_directories(stream_dir / "clips", ec);
    if (ec) return ec;
    return replace_file(stream_dir / "clips" / (clip.id + ".json"), clip_json(clip).dump());
}

std::optional<Clip> load_clip(const fs::path& stream_dir, const std::string& id) {
    if (!safe_name(id)) return std::nullopt;
    auto text = read_small_file(stream_dir / "clips" / (id + ".json"), kMaxClipFile);
    return text ? from_json(*text) : std::nullopt;
}

std::vector<Clip> list_clips(const fs::path& stream_dir) {
    std::vector<Clip> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(stream_dir / "clips", ec)) {
        if (out.size() >= kMaxClipsListed) break;
        if (e.path().extension() != ".json") continue;
        if (auto c = load_clip(stream_dir, e.path().stem().string())) out.push_back(std::move(*c));
    }
    std::sort(out.begin(), out.end(),
              [](const Clip& a, const Clip& b) { return a.created_at > b.created_at; });
    return out;
}

std::vector<IndexEntry> clip_entries(const fs::path& stream_dir,
                                     const std::string& rendition,
                                     const Clip& clip) {
    auto all = read_index(stream_dir / rendition);
    std::erase_if(
        all, [&](const IndexEntry& e) { return e.msn < clip.first_msn || e.msn > clip.last_msn; });
    return all;
}

nlohmann::json clip_json(const Clip& c) {
    return {{"id", c.id},
            {"streamId", c.stream_id},
            {"title", c.title},
            {"fromMs", c.from_ms},
            {"toMs", c.to_ms},
            {"createdAt", c.created_at},
            {"createdBy", c.created_by},
            {"firstMsn", c.first_msn},
            {"lastMsn", c.last_msn}};
}

}  // namespace nchat::record
