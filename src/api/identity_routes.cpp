// Who the caller is: GET /api/me for any bearer token, and guests (docs/api.md, "Guests"): a
// viewer with no account takes a display name and gets a short-lived viewer token
// (auth/guest.hpp) to chat, react and ask with. Rate-limited per client address;
// `--guests=false` turns it off.
#include <boost/asio/awaitable.hpp>

#include "api/authenticate.hpp"
#include "api/errors.hpp"
#include "api/handler.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"
#include "auth/guest.hpp"
#include "realtime/errors.hpp"
#include "realtime/rate_limiter.hpp"
#include "util/time.hpp"

namespace nchat::api {
namespace {

namespace net = boost::asio;
using http::Request;
using http::Response;
using Verb = http::bhttp::verb;

constexpr Fields::Text kDisplayName{.min = 1, .max = 32};

// "ip:port" or "[v6]:port" → the address alone: every connection of one client counts together.
std::string address_of(const std::string& peer) {
    const auto colon = peer.rfind(':');
    return colon == std::string::npos ? peer : peer.substr(0, colon);
}

net::awaitable<Response> create_guest(ApiContext& ctx, Request& req) {
    if (ctx.guest_secret.empty()) {
        throw HttpError{Status::forbidden, "guests_disabled",
                        "guests are turned off on this server: sign in to chat"};
    }
    require_json_content(req);
    const auto body = parse_object(req.raw.body());
    Fields f(body);
    f.only({"displayName"});
    const std::string name = f.text("displayName", kDisplayName);
    if (ctx.guest_limiter) {
        auto address = address_of(req.peer);
        auto now = ctx.clock.steady_now();
        const auto d = co_await ctx.guest_limiter->take_async(address, now);
        if (!d.allowed) {
            throw realtime::Refusal(429, realtime::code::kRateLimited,
                                    "too many guest names from this address; try again later", {},
                                    realtime::retry_seconds(d.retry_after));
        }
    }
    const auto g = auth::issue_guest_token(name, ctx.guest_secret, ctx.clock.now());
    const nlohmann::json out = {
        {"token", g.token},
        {"user", {{"id", g.user_id}, {"name", name}, {"role", "viewer"}, {"guest", true}}},
        {"expiresAt", util::format_iso8601(g.expires_at)}};
    auto res = json(req, Status::created, out);
    res.set(http::bhttp::field::cache_control, "no-store");
    co_return res;
}

net::awaitable<Response> me(ApiContext& ctx, Request& req) {
    const auto who = co_await require_principal(ctx, req);
    auto res =
        json(req, Status::ok,
             {{"id", who.user_id},
              {"name", who.name.empty() ? nlohmann::json(nullptr) : nlohmann::json(who.name)},
              {"role", store::to_string(who.role)},
              {"guest", who.guest}});
    res.set(http::bhttp::field::cache_control, "no-store");
    co_return res;
}

}  // namespace

void add_identity_routes(http::Router& r, ApiContext& ctx) {
    r.add(Verb::post, "/api/guest", handler(ctx, create_guest));
    r.add(Verb::get, "/api/me", handler(ctx, me));
}

}  // namespace nchat::api
