// Data protection (issue 17; docs/api.md, "Your data"): a user deletes what the server keeps
// about them, and lists and revokes their API tokens.
#include <boost/asio/awaitable.hpp>

#include "api/authenticate.hpp"
#include "api/errors.hpp"
#include "api/handler.hpp"
#include "api/routes.hpp"
#include "auth/token.hpp"
#include "realtime/service.hpp"
#include "store/database.hpp"
#include "util/time.hpp"

namespace nchat::api {
namespace {

namespace net = boost::asio;
using http::Request;
using http::Response;
using store::Store;
using Verb = http::bhttp::verb;

// A token's public id: the first 16 hex characters of its SHA-256 (never the token).
std::string token_id(const std::string& hash) {
    return hash.substr(0, 16);
}

// The hash of the API token this request came with, or empty (a JWT, a guest token).
std::string own_token_hash(const Request& req) {
    std::string_view h = req.header(http::bhttp::field::authorization);
    const auto space = h.find(' ');
    if (space == std::string_view::npos) return {};
    auto token = h.substr(space + 1);
    while (!token.empty() && token.front() == ' ')
        token.remove_prefix(1);
    if (token.substr(0, 4) != "ncl_") return {};
    return auth::hash_token(token);
}

// Everything the store keeps about the caller as a viewer and chatter; their account and
// tokens last. Streams they broadcast are not touched (delete those first).
net::awaitable<Response> delete_me(ApiContext& ctx, Request& req) {
    const auto who = co_await require_principal(ctx, req);
    // What is still queued (chat, reactions, viewer sessions) is stored first, then deleted.
    if (ctx.realtime) co_await ctx.realtime->flush();
    const auto id = who.user_id;
    auto d = co_await ctx.db.write([&](Store& st) { return st.delete_user_data(id); });
    co_return json(req, Status::ok,
                   {{"success", true},
                    {"deleted",
                     {{"chatMessages", d.chat_messages},
                      {"reactions", d.reactions},
                      {"viewerSessions", d.viewer_sessions},
                      {"questionVotes", d.question_votes},
                      {"apiTokens", d.api_tokens}}}});
}

net::awaitable<Response> list_tokens(ApiContext& ctx, Request& req) {
    const auto who = co_await require_principal(ctx, req);
    const auto id = who.user_id;
    auto tokens = co_await ctx.db.read([&](Store& st) { return st.list_api_tokens(id); });
    const auto mine = own_token_hash(req);
    auto out = nlohmann::json::array();
    for (const auto& t : tokens) {
        out.push_back(
            {{"id", token_id(t.token_hash)},
             {"createdAt", util::format_iso8601(t.created_at)},
             {"lastUsedAt", t.last_used_at ? nlohmann::json(util::format_iso8601(*t.last_used_at))
                                           : nlohmann::json(nullptr)},
             {"current", t.token_hash == mine}});
    }
    auto res = json(req, Status::ok, out);
    res.set(http::bhttp::field::cache_control, "no-store");
    co_return res;
}

net::awaitable<Response> revoke_token(ApiContext& ctx, Request& req) {
    const auto who = co_await require_principal(ctx, req);
    const auto user = who.user_id;
    std::string id(req.param("id"));
    if (id == "current") {
        const auto mine = own_token_hash(req);
        if (mine.empty()) throw not_found("this request did not come with an API token");
        id = token_id(mine);
    }
    bool gone = co_await ctx.db.write([&](Store& st) { return st.delete_api_token(user, id); });
    if (!gone) throw not_found("no token " + id + " of yours");
    co_return json(req, Status::ok, {{"success", true}});
}

}  // namespace

void add_privacy_routes(http::Router& r, ApiContext& ctx) {
    r.add(Verb::delete_, "/api/users/me", handler(ctx, delete_me));
    r.add(Verb::get, "/api/tokens", handler(ctx, list_tokens));
    r.add(Verb::delete_, "/api/tokens/{id}", handler(ctx, revoke_token));
}

}  // namespace nchat::api
