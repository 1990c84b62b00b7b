#include "api/stream_json.hpp"

#include "util/time.hpp"

namespace nchat::api {
namespace {

nlohmann::json opt(const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
nlohmann::json opt(const std::optional<util::Time>& v) {
    return v ? nlohmann::json(util::format_iso8601(*v)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json stream_to_json(const store::Stream& s) {
    nlohmann::json j = {
        {"id", s.id},
        {"channelId", s.channel_id},
        {"broadcasterId", s.broadcaster_id},
        {"title", s.title},
        {"description", opt(s.description)},
        {"thumbnailUrl", opt(s.thumbnail_url)},
        {"scheduledAt", opt(s.scheduled_at)},
        {"startedAt", opt(s.started_at)},
        {"endedAt", opt(s.ended_at)},
        {"status", store::to_string(s.status)},
        {"ingestUrl", s.ingest_url},
        {"hlsManifestUrl", opt(s.hls_manifest_url)},
        {"maxResolution", s.max_resolution},
        {"topRung", opt(s.top_rung)},
        {"peakViewerCount", s.peak_viewer_count},
        {"totalViewCount", s.total_view_count},
        {"totalChatMessages", s.total_chat_messages},
        {"totalReactions", s.total_reactions},
        {"enableChat", s.enable_chat},
        {"enableReactions", s.enable_reactions},
        {"enableQa", s.enable_qa},
        {"chatMode", s.chat_mode},
        {"tags", s.tags},
        {"isPrivate", s.is_private},
        {"hideViewerList", s.hide_viewer_list},
        {"createdAt", util::format_iso8601(s.created_at)},
        {"updatedAt", util::format_iso8601(s.updated_at)},
    };
    return j;
}

}  // namespace nchat::api
