#pragma once
// The bodies of POST /api/streams/create and PATCH /api/streams/{id}, validated.
#include <string_view>

#include "store/types.hpp"

namespace nchat::api {

struct CreateStreamInput {
    std::string channel_id;
    std::string title;
    std::optional<std::string> description;
    std::optional<std::string> thumbnail_url;
    std::optional<util::Time> scheduled_at;
    std::string max_resolution = "1080p";
    std::optional<std::string> top_rung;  // null: the server's --transcode-top-rung
    bool enable_chat = true;
    bool enable_reactions = true;
    bool enable_qa = false;
    std::string chat_mode = "open";
    std::vector<std::string> tags;
    bool is_private = false;
    bool hide_viewer_list = false;
};

inline constexpr std::size_t kMaxTitleLength = 200;  // nchat_streams.title VARCHAR(200)
inline constexpr std::size_t kMaxDescriptionLength = 5000;

// Throw ValidationError (api/validation.hpp) naming the field.
CreateStreamInput parse_create_stream(std::string_view body);
store::StreamPatch parse_stream_patch(std::string_view body);

}  // namespace nchat::api
