#include "api/stream_input.hpp"

#include <array>

#include "api/validation.hpp"

namespace nchat::api {
namespace {

constexpr std::array<std::string_view, 4> kResolutions = {"1080p", "720p", "480p", "360p"};
constexpr std::array<std::string_view, 3> kTopRungs = {"auto", "passthrough", "transcode"};
constexpr std::array<std::string_view, 4> kChatModes = {"open", "followers", "subscribers",
                                                        "disabled"};
constexpr Fields::Text kTitle{.min = 1, .max = kMaxTitleLength};
constexpr Fields::Text kDescription{.min = 0, .max = kMaxDescriptionLength, .multiline = true};

}  // namespace

CreateStreamInput parse_create_stream(std::string_view body) {
    auto obj = parse_object(body);
    Fields f(obj);
    f.only({"channelId", "title", "description", "thumbnailUrl", "scheduledAt", "maxResolution",
            "topRung", "enableChat", "enableReactions", "enableQa", "chatMode", "tags", "isPrivate",
            "hideViewerList"});
    CreateStreamInput in;
    in.channel_id = f.uuid("channelId");
    in.title = f.text("title", kTitle);
    in.description = f.optional_text("description", kDescription);
    in.thumbnail_url = f.optional_url("thumbnailUrl");
    in.scheduled_at = f.optional_time("scheduledAt");
    if (f.present("maxResolution")) in.max_resolution = f.one_of("maxResolution", kResolutions);
    if (f.present("topRung") && !f.is_null("topRung")) in.top_rung = f.one_of("topRung", kTopRungs);
    if (f.present("enableChat")) in.enable_chat = f.boolean("enableChat");
    if (f.present("enableReactions")) in.enable_reactions = f.boolean("enableReactions");
    if (f.present("enableQa")) in.enable_qa = f.boolean("enableQa");
    if (f.present("chatMode")) in.chat_mode = f.one_of("chatMode", kChatModes);
    if (f.present("tags")) in.tags = f.tags("tags");
    if (f.present("isPrivate")) in.is_private = f.boolean("isPrivate");
    if (f.present("hideViewerList")) in.hide_viewer_list = f.boolean("hideViewerList");
    return in;
}

store::StreamPatch parse_stream_patch(std::string_view body) {
    auto obj = parse_object(body);
    Fields f(obj);
    f.only({"title", "description", "thumbnailUrl", "scheduledAt", "maxResolution", "topRung",
            "enableChat", "enableReactions", "enableQa", "chatMode", "tags", "isPrivate",
            "hideViewerList"},
           {"id", "channelId", "broadcasterId", "startedAt", "endedAt", "status", "streamKey",
            "ingestUrl", "hlsManifestUrl", "peakViewerCount", "totalViewCount", "totalChatMessages",
            "totalReactions", "createdAt", "updatedAt"});
    store::StreamPatch p;
    if (f.present("title")) p.title = f.text("title", kTitle);
    if (f.present("description")) p.description = f.optional_text("description", kDescription);
    if (f.present("thumbnailUrl")) p.thumbnail_url = f.optional_url("thumbnailUrl");
    if (f.present("scheduledAt")) p.scheduled_at = f.optional_time("scheduledAt");
    if (f.present("maxResolution")) p.max_resolution = f.one_of("maxResolution", kResolutions);
    if (f.present("topRung")) {
        p.top_rung = f.is_null("topRung") ? std::optional<std::string>()
                                          : std::optional(f.one_of("topRung", kTopRungs));
    }
    if (f.present("enableChat")) p.enable_chat = f.boolean("enableChat");
    if (f.present("enableReactions")) p.enable_reactions = f.boolean("enableReactions");
    if (f.present("enableQa")) p.enable_qa = f.boolean("enableQa");
    if (f.present("chatMode")) p.chat_mode = f.one_of("chatMode", kChatModes);
    if (f.present("tags")) p.tags = f.tags("tags");
    if (f.present("isPrivate")) p.is_private = f.boolean("isPrivate");
    if (f.present("hideViewerList")) p.hide_viewer_list = f.boolean("hideViewerList");
    return p;
}

}  // namespace nchat::api
