// Chat and reactions of a stream (docs/api.md, Chat; docs/chat.md): thin adapters from HTTP to
// realtime::Service, which holds every rule and publishes the events.
#include <optional>

#include <boost/asio/awaitable.hpp>

#include "api/authenticate.hpp"
#include "api/detail/media_time.hpp"
#include "api/handler.hpp"
#include "api/room_input.hpp"
#include "api/room_routes.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "realtime/message_json.hpp"
#include "store/database.hpp"
#include "util/ids.hpp"

namespace nchat::api {
namespace {

namespace net = boost::asio;
using http::Request;
using http::Response;
using Verb = http::bhttp::verb;

constexpr int kMaxRecentReactions = 100;

// ?fromMs=&toMs= (a replay's seconds, by media time; toMs defaults to fromMs + 1 minute, at
// most 2 hours later): what the recording's media time places there, each with mediaMs.
struct MediaSpan {
    std::int64_t from_ms = 0;
    std::int64_t to_ms = 0;
};
std::optional<MediaSpan> media_span(const Request& req) {
    if (!req.query_param("fromMs") && !req.query_param("toMs")) return std::nullopt;
    constexpr std::int64_t kMaxSpanMs = 2 * 3600 * 1000;
    constexpr std::int64_t kMaxMediaMs = 400LL * 24 * 3600 * 1000;
    MediaSpan s;
    s.from_ms = query_int(req, "fromMs", 0, 0, kMaxMediaMs);
    s.to_ms = query_int(req, "toMs", s.from_ms + 60'000, s.from_ms + 1, s.from_ms + kMaxSpanMs);
    return s;
}

net::awaitable<Response> list_chat(ApiContext& ctx, Request& req) {
    auto who = co_await authenticate(ctx, req);
    std::string id(req.param("id"));
    if (auto span = media_span(req)) {
        auto limit = query_int(req, "limit", 100, 1, 500);
        co_await room_service(ctx).check_can_view(who, id);
        auto out = co_await detail::chat_at(ctx, id, span->from_ms, span->to_ms, limit);
        co_return json(req, Status::ok, out);
    }
    auto limit = query_int(req, "limit", 100, 1, 100);
    if (auto after = req.query_param("after")) {
        // Resume (the WebSocket's replay, over REST): what came after a message, oldest first.
        std::string last = *after;
        auto rows = co_await room_service(ctx).chat_since(who, id, last, limit);
        co_return json(req, Status::ok, nlohmann::json(rows));
    }
    auto offset = query_int(req, "offset", 0, 0, 1'000'000);
    auto deleted = query_bool(req, "includeDeleted", false);
    auto out = co_await room_service(ctx).list_chat(who, id, limit, offset, deleted);
    co_return json(req, Status::ok, out);
}

net::awaitable<Response> send_chat(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    require_json_content(req);
    auto body = parse_object(req.raw.body());
    Fields f(body);
    f.only({"content", "isQuestion"});
    auto content = raw_string_field(body, "content");
    bool question = f.present("isQuestion") && !f.is_null("isQuestion") && f.boolean("isQuestion");
    std::string id(req.param("id"));
    auto msg = co_await room_service(ctx).send_chat(who, id, content, question);
    co_return json(req, Status::created, msg);
}

net::awaitable<Response> delete_message(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    std::string id(req.param("id"));
    std::string message(req.param("messageId"));
    co_await room_service(ctx).delete_message(who, id, message);
    co_return json(req, Status::ok, {{"success", true}});
}

net::awaitable<Response> pin(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    std::string id(req.param("id"));
    std::string message(req.param("messageId"));
    auto out = co_await room_service(ctx).pin(who, id, message);
    co_return json(req, Status::ok, out);
}

net::awaitable<Response> unpin(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    std::string id(req.param("id"));
    std::string message(req.param("messageId"));
    co_await room_service(ctx).unpin(who, id, message);
    co_return json(req, Status::ok, {{"success", true}});
}

net::awaitable<Response> clear(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    std::string id(req.param("id"));
    auto count = co_await room_service(ctx).clear_chat(who, id);
    co_return json(req, Status::ok, {{"success", true}, {"count", count}});
}

net::awaitable<Response> react(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    require_json_content(req);
    auto body = parse_object(req.raw.body());
    Fields(body).only({"emoji", "positionX", "positionY"});
    auto emoji = raw_string_field(body, "emoji");
    auto x = optional_number_field(body, "positionX");
    auto y = optional_number_field(body, "positionY");
    std::string id(req.param("id"));
    auto out = co_await room_service(ctx).react(who, id, emoji, x, y);
    co_return json(req, Status::created, out);
}

net::awaitable<Response> recent_reactions(ApiContext& ctx, Request& req) {
    auto who = co_await authenticate(ctx, req);
    std::string id(req.param("id"));
    if (auto span = media_span(req)) {
        auto limit = query_int(req, "limit", 100, 1, 500);
        co_await room_service(ctx).check_can_view(who, id);
        auto out = co_await detail::reactions_at(ctx, id, span->from_ms, span->to_ms, limit);
        co_return json(req, Status::ok, out);
    }
    auto limit = query_int(req, "limit", 20, 1, kMaxRecentReactions);
    co_await room_service(ctx).check_can_view(who, id);
    auto rows =
        co_await ctx.db.read([&](store::Store& st) { return st.recent_reactions(id, limit); });
    auto out = nlohmann::json::array();
    for (const auto& r : rows)
        out.push_back(realtime::reaction_to_json(r));
    co_return json(req, Status::ok, out);
}

}  // namespace

void add_chat_routes(http::Router& r, ApiContext& ctx) {
    r.add(Verb::get, "/api/streams/{id}/chat", handler(ctx, list_chat));
    r.add(Verb::post, "/api/streams/{id}/chat", handler(ctx, send_chat));
    r.add(Verb::post, "/api/streams/{id}/chat/clear", handler(ctx, clear));
    r.add(Verb::delete_, "/api/streams/{id}/chat/{messageId}", handler(ctx, delete_message));
    r.add(Verb::post, "/api/streams/{id}/chat/{messageId}/pin", handler(ctx, pin));
    r.add(Verb::delete_, "/api/streams/{id}/chat/{messageId}/pin", handler(ctx, unpin));
    r.add(Verb::get, "/api/streams/{id}/reactions", handler(ctx, recent_reactions));
    r.add(Verb::post, "/api/streams/{id}/reactions", handler(ctx, react));
}

}  // namespace nchat::api
