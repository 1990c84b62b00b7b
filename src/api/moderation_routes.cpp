// Moderation of a stream's chat (docs/api.md, Moderation): bans and timeouts, slow mode, the
// moderation log. The rules are realtime::Service's.
#include <boost/asio/awaitable.hpp>

#include "api/authenticate.hpp"
#include "api/handler.hpp"
#include "api/room_input.hpp"
#include "api/room_routes.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"

namespace nchat::api {
namespace {

namespace net = boost::asio;
using http::Request;
using http::Response;
using Verb = http::bhttp::verb;

net::awaitable<Response> ban(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    require_json_content(req);
    auto body = parse_object(req.raw.body());
    Fields f(body);
    f.only({"userId", "durationSeconds", "reason"});
    auto user = f.uuid("userId");
    auto duration = optional_int_field(body, "durationSeconds");
    std::optional<std::string> reason;
    if (f.present("reason") && !f.is_null("reason")) reason = raw_string_field(body, "reason");
    std::string id(req.param("id"));
    auto out = co_await room_service(ctx).ban(who, id, user, duration, reason);
    co_return json(req, Status::created, out);
}

net::awaitable<Response> unban(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    std::string id(req.param("id"));
    std::string user(req.param("userId"));
    co_await room_service(ctx).unban(who, id, user);
    co_return json(req, Status::ok, {{"success", true}});
}

net::awaitable<Response> list_bans(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    std::string id(req.param("id"));
    auto out = co_await room_service(ctx).list_bans(who, id);
    co_return json(req, Status::ok, out);
}

net::awaitable<Response> put_slow_mode(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    require_json_content(req);
    auto body = parse_object(req.raw.body());
    Fields(body).only({"seconds"});
    auto seconds = optional_int_field(body, "seconds");
    if (!seconds) throw bad_request("seconds is required", "seconds");
    std::string id(req.param("id"));
    co_await room_service(ctx).set_slow_mode(who, id, *seconds);
    co_return json(req, Status::ok, {{"slowModeSeconds", *seconds}});
}

net::awaitable<Response> get_slow_mode(ApiContext& ctx, Request& req) {
    auto who = co_await authenticate(ctx, req);
    std::string id(req.param("id"));
    auto seconds = co_await room_service(ctx).slow_mode(who, id);
    co_return json(req, Status::ok, {{"slowModeSeconds", seconds}});
}

net::awaitable<Response> moderation_log(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    std::string id(req.param("id"));
    auto limit = query_int(req, "limit", 50, 1, 100);
    auto offset = query_int(req, "offset", 0, 0, 1'000'000);
    auto out = co_await room_service(ctx).moderation_log(who, id, limit, offset);
    co_return json(req, Status::ok, out);
}

}  // namespace

void add_moderation_routes(http::Router& r, ApiContext& ctx) {
    r.add(Verb::get, "/api/streams/{id}/bans", handler(ctx, list_bans));
    r.add(Verb::post, "/api/streams/{id}/bans", handler(ctx, ban));
    r.add(Verb::delete_, "/api/streams/{id}/bans/{userId}", handler(ctx, unban));
    r.add(Verb::get, "/api/streams/{id}/slow-mode", handler(ctx, get_slow_mode));
    r.add(Verb::put, "/api/streams/{id}/slow-mode", handler(ctx, put_slow_mode));
    r.add(Verb::get, "/api/streams/{id}/moderation-log", handler(ctx, moderation_log));
}

}  // namespace nchat::api
