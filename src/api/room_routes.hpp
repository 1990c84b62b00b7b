#pragma once
// What the room routes (chat, reactions, Q&A, moderation) share.
#include "api/context.hpp"
#include "api/errors.hpp"
#include "realtime/service.hpp"

namespace nchat::api {

inline realtime::Service& room_service(ApiContext& ctx) {
    if (!ctx.realtime) throw unavailable("chat is not running on this server");
    return *ctx.realtime;
}

}  // namespace nchat::api
