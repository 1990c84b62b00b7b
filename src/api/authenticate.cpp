#include "api/authenticate.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include "api/errors.hpp"
#include "auth/guest.hpp"
#include "auth/jwt.hpp"
#include "auth/token.hpp"
#include "store/database.hpp"

namespace nchat::api {
namespace {

namespace net = boost::asio;

constexpr std::size_t kMaxAuthorizationBytes = 8 * 1024;
constexpr auto kLastUsedResolution = std::chrono::minutes(1);

std::optional<std::string_view> bearer(std::string_view header) {
    constexpr std::string_view kScheme = "Bearer ";
    if (header.size() <= kScheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(header[i])) !=
            std::tolower(static_cast<unsigned char>(kScheme[i]))) {
            return std::nullopt;
        }
    }
    auto token = header.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ')
        token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ')
        token.remove_suffix(1);
    if (token.empty()) return std::nullopt;
    return token;
}

}  // namespace

boost::asio::awaitable<std::optional<auth::Principal>> authenticate(ApiContext& ctx,
                                                                    const http::Request& req) {
    std::string header(req.header(http::bhttp::field::authorization));
    co_return co_await authenticate_header(ctx, std::move(header));
}

boost::asio::awaitable<std::optional<auth::Principal>> authenticate_header(ApiContext& ctx,
                                                                           std::string header) {
    if (header.empty()) co_return std::nullopt;
    if (header.size() > kMaxAuthorizationBytes) throw unauthorized("Authorization header too long");
    auto token = bearer(header);
    if (!token) throw unauthorized("expected Authorization: Bearer <token>");
    if (auth::is_guest_token(*token)) {
        if (ctx.guest_secret.empty()) throw unauthorized("guests are turned off on this server");
        auto r = auth::verify_guest_token(*token, ctx.guest_secret, ctx.clock.now());
        if (!r.claims) throw unauthorized("guest " + std::string(auth::to_string(r.error)));
        co_return auth::Principal{r.claims->sub, r.claims->role, r.claims->name, true};
    }
    if (auth::looks_like_jwt(*token)) {
        if (ctx.jwt_secret.empty()) throw unauthorized("JWTs are not accepted by this server");
        auto r = auth::verify_jwt(*token, ctx.jwt_secret, ctx.clock.now());
        if (!r.claims) throw unauthorized(std::string(auth::to_string(r.error)));
        co_return auth::Principal{r.claims->sub, r.claims->role, r.claims->name};
    }
    auto hash = auth::hash_token(*token);
    auto found = co_await ctx.db.read([&](store::Store& s) { return s.api_token(hash); });
    if (!found) throw unauthorized("unknown or revoked token");
    // last_used_at to the minute: at most one write a minute per token, and the request does
    // not wait for it (a refused or failed write only leaves the time older).
    const auto now = ctx.clock.now();
    if (!found->last_used_at || now - *found->last_used_at >= kLastUsedResolution) {
        auto touch = [hash, now](store::Store& s) { s.touch_api_token(hash, now); };
        net::co_spawn(co_await net::this_coro::executor, ctx.db.write(std::move(touch)),
                      [](std::exception_ptr) {});
    }
    co_return auth::Principal{found->user.id, found->user.role, found->user.name};
}

boost::asio::awaitable<auth::Principal> require_principal(ApiContext& ctx,
                                                          const http::Request& req) {
    auto p = co_await authenticate(ctx, req);
    if (!p) throw unauthorized("authentication required");
    co_return std::move(*p);
}

}  // namespace nchat::api
