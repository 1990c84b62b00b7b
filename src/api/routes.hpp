#pragma once
// Registers every REST route of the product (docs/api.md) on the router.
#include "api/context.hpp"
#include "http/router.hpp"

namespace nchat::api {

void add_stream_routes(http::Router& router, ApiContext& ctx);
void add_system_routes(http::Router& router, ApiContext& ctx);
// The room of a stream (issue 6): chat and reactions, moderation, Q&A; channel members.
void add_chat_routes(http::Router& router, ApiContext& ctx);
void add_moderation_routes(http::Router& router, ApiContext& ctx);
void add_question_routes(http::Router& router, ApiContext& ctx);
void add_channel_routes(http::Router& router, ApiContext& ctx);
// Who the caller is (GET /api/me), and guests: a name for a viewer with no account.
void add_identity_routes(http::Router& router, ApiContext& ctx);
// Private playback: POST /api/streams/{id}/playback-token.
void add_playback_routes(http::Router& router, ApiContext& ctx);
void add_privacy_routes(http::Router& router, ApiContext& ctx);

inline void add_routes(http::Router& router, ApiContext& ctx) {
    add_stream_routes(router, ctx);
    add_system_routes(router, ctx);
    add_chat_routes(router, ctx);
    add_moderation_routes(router, ctx);
    add_question_routes(router, ctx);
    add_channel_routes(router, ctx);
    add_identity_routes(router, ctx);
    add_playback_routes(router, ctx);
    add_privacy_routes(router, ctx);
}

}  // namespace nchat::api
