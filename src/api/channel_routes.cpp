// A channel's followers, subscribers and moderators (docs/api.md, Channels), synced by the chat
// application: they decide who may chat in followers/subscribers mode and who moderates the
// channel's streams. Channels themselves live in the chat application, so this server cannot
// tell who owns one: only admins (the chat application's service account) manage these
// lists; any user may follow or unfollow a channel for themself.
#include <boost/asio/awaitable.hpp>

#include "api/authenticate.hpp"
#include "api/errors.hpp"
#include "api/handler.hpp"
#include "api/room_input.hpp"
#include "api/routes.hpp"
#include "store/database.hpp"
#include "util/ids.hpp"
#include "util/time.hpp"

namespace nchat::api {
namespace {

namespace net = boost::asio;
using http::Request;
using http::Response;
using Relation = store::Store::Relation;
using Verb = http::bhttp::verb;

std::string channel_param(const Request& req) {
    std::string c(req.param("channelId"));
    if (!util::is_uuid(c)) throw bad_request("channelId must be a UUID", "channelId");
    return c;
}

std::string user_param(const Request& req) {
    std::string u(req.param("userId"));
    if (!util::is_uuid(u)) throw bad_request("userId must be a UUID", "userId");
    return u;
}

void require_manager(const auth::Principal& who, Relation r, const std::string& user) {
    if (who.is_admin()) return;
    if (r == Relation::follower && who.user_id == user) return;
    throw forbidden(r == Relation::follower
                        ? "only admins may change another user's follows"
                        : "only admins may change a channel's moderators and subscribers");
}

net::awaitable<Response> change(ApiContext& ctx, Request& req, Relation r, bool add) {
    auto who = co_await require_principal(ctx, req);
    auto channel = channel_param(req);
    auto user = user_param(req);
    require_manager(who, r, user);
    auto now = ctx.clock.now();
    co_await ctx.db.write([&](store::Store& st) {
        if (add) {
            st.add_channel_relation(r, channel, user, now);
        } else {
            st.remove_channel_relation(r, channel, user);
        }
    });
    co_return json(req, Status::ok, {{"success", true}});
}

net::awaitable<Response> list(ApiContext& ctx, Request& req, Relation r) {
    auto who = co_await require_principal(ctx, req);
    if (!who.is_admin()) throw forbidden("only admins may list a channel's members");
    auto channel = channel_param(req);
    auto limit = query_int(req, "limit", 100, 1, 1000);
    auto offset = query_int(req, "offset", 0, 0, 10'000'000);
    auto rows = co_await ctx.db.read(
        [&](store::Store& st) { return st.list_channel_relation(r, channel, limit, offset); });
    auto out = nlohmann::json::array();
    for (const auto& m : rows)
        out.push_back({{"userId", m.user_id}, {"createdAt", util::format_iso8601(m.created_at)}});
    co_return json(req, Status::ok, out);
}

template <Relation R>
net::awaitable<Response> put_member(ApiContext& ctx, Request& req) {
    return change(ctx, req, R, true);
}
template <Relation R>
net::awaitable<Response> delete_member(ApiContext& ctx, Request& req) {
    return change(ctx, req, R, false);
}
template <Relation R>
net::awaitable<Response> list_members(ApiContext& ctx, Request& req) {
    return list(ctx, req, R);
}

template <Relation R>
void add_relation(http::Router& r, ApiContext& ctx, const std::string& name) {
    auto base = "/api/channels/{channelId}/" + name;
    r.add(Verb::get, base, handler(ctx, list_members<R>));
    r.add(Verb::put, base + "/{userId}", handler(ctx, put_member<R>));
    r.add(Verb::delete_, base + "/{userId}", handler(ctx, delete_member<R>));
}

}  // namespace

void add_channel_routes(http::Router& r, ApiContext& ctx) {
    add_relation<Relation::follower>(r, ctx, "followers");
    add_relation<Relation::subscriber>(r, ctx, "subscribers");
    add_relation<Relation::moderator>(r, ctx, "moderators");
}

}  // namespace nchat::api
