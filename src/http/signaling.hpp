#pragma once
// What the WHIP and WHEP resources (RFC 9725; WHEP draft -03) share over HTTP: their CORS is
// open to any origin (the bearer token is a stream key or nothing, never a cookie), preflights
// are answered whatever --cors-origin says, and errors carry the same headers so a page on
// another origin can read them.
#include <string>
#include <string_view>

#include "http/router.hpp"

namespace nchat::http {

// Access-Control-Allow-Origin: * and the headers a signaling client must read.
void open_cors(Response& res);
// An HttpError with open CORS headers.
HttpError open_error(bhttp::status s,
                     std::string code,
                     std::string message,
                     std::string field = {});
// A response without a body (200, 204, ...), with open CORS headers.
Response open_empty(const Request& req, bhttp::status s);
// The preflight answer for a resource taking `methods`; `accept_post` adds Accept-Post.
Response open_preflight(const Request& req, std::string_view methods, bool accept_post);
// The token of "Authorization: Bearer <token>", or empty.
std::string bearer_token(const Request& req);
// The Content-Type's media type is `type` (case-insensitive, parameters ignored).
bool has_content_type(const Request& req, std::string_view type);

// A trickle PATCH (RFC 9725 §4.3) on a session whose ETag is `etag`: throws the error it
// deserves (415 wrong type, 428 no If-Match, 412 stale, 422 ICE restart: we are ICE-lite with
// host candidates and learn the peer's addresses from its checks, so a restart is a new POST)
// and returns normally for trickled candidates, which need nothing more.
void check_trickle_patch(const Request& req, std::string_view etag);

}  // namespace nchat::http
