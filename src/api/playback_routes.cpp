// POST /api/streams/{id}/playback-token (docs/api.md, "Private playback"): a short-lived token
// that lets the caller's player fetch the stream's HLS and WHEP, for a user who may view it.
#include "api/authenticate.hpp"
#include "api/errors.hpp"
#include "api/handler.hpp"
#include "api/playback_access.hpp"
#include "api/routes.hpp"
#include "auth/permissions.hpp"
#include "store/database.hpp"
#include "util/ids.hpp"
#include "util/time.hpp"

namespace nchat::api {
namespace {

namespace net = boost::asio;
using http::Request;
using http::Response;

net::awaitable<Response> playback_token(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    auto id = std::string(req.param("id"));
    if (!util::is_uuid(id)) throw not_found("no stream " + id);
    auto s = co_await ctx.db.read([&](store::Store& st) { return st.get_stream(id); });
    if (!s) throw not_found("no stream " + id);
    bool granted = false;
    if (s->is_private && !auth::can_manage_stream(who, *s)) {
        granted = co_await ctx.db.read(
            [&](store::Store& st) { return st.has_stream_access(id, who.user_id); });
    }
    // Someone who may not see a private stream is told it does not exist, as on GET.
    if (!auth::can_view_stream(who, *s, granted)) throw not_found("no stream " + id);
    if (!ctx.playback) {
        throw HttpError{http::bhttp::status::service_unavailable, "unavailable",
                        "playback tokens are not enabled on this node"};
    }
    auto t = ctx.playback->issue(id, who.user_id);
    co_return json(req, http::bhttp::status::ok,
                   {{"token", t.token},
                    {"expiresAt", util::format_iso8601(t.expires_at)},
                    {"hlsUrl", ctx.hls_manifest_url(id) + "?token=" + t.token},
                    {"whepUrl", ctx.public_url + "/api/whep/" + id + "?token=" + t.token}});
}

}  // namespace

void add_playback_routes(http::Router& router, ApiContext& ctx) {
    router.add(http::bhttp::verb::post, "/api/streams/{id}/playback-token",
               handler(ctx, playback_token));
}

}  // namespace nchat::api
