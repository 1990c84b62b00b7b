#pragma once
// `Authorization: Bearer TOKEN`: an API token from `nchat-live user create` (looked up by its
// SHA-256), a JWT signed with the configured HS256 secret, or a guest token (auth/guest.hpp,
// POST /api/guest). No header = anonymous; a header
// that does not authenticate is always a 401, even where anonymous access would do.
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "api/context.hpp"
#include "auth/permissions.hpp"
#include "http/router.hpp"

namespace nchat::api {

boost::asio::awaitable<std::optional<auth::Principal>> authenticate(ApiContext& ctx,
                                                                    const http::Request& req);
// The same from the raw Authorization header value (empty = anonymous): how the WebSocket
// layer authenticates its upgrade request and its `auth` message.
boost::asio::awaitable<std::optional<auth::Principal>> authenticate_header(ApiContext& ctx,
                                                                           std::string header);
// As authenticate, but anonymous is a 401.
boost::asio::awaitable<auth::Principal> require_principal(ApiContext& ctx,
                                                          const http::Request& req);

}  // namespace nchat::api
