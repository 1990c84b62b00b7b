#pragma once
// Adapts an API coroutine to an http::Handler, turning the control plane's exceptions into
// DESIGN.md's errors: ValidationError → 400 (field named), realtime::Refusal → its status, code,
// field and Retry-After, store::Conflict → 409, storage overload → 503. Anything else reaches the
// router (500, logged).
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "api/context.hpp"
#include "http/router.hpp"

namespace nchat::api {

using ApiFn = boost::asio::awaitable<http::Response> (*)(ApiContext&, http::Request&);

http::Handler handler(ApiContext& ctx, ApiFn fn);

http::Response json(const http::Request& req, http::bhttp::status s, const nlohmann::json& body);
// Requires Content-Type: application/json (or +json) when the body is not empty: 415.
void require_json_content(const http::Request& req);

}  // namespace nchat::api
