#pragma once
// Routes requests to handlers. A handler is a coroutine on the connection's executor; it may
// co_await the store (store::Database) and returns one Response. Errors: throw HttpError and
// the router answers DESIGN.md's JSON error ({"error":{"code","message","field"?}}).
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "http/body.hpp"
#include "http/fast_get.hpp"

namespace nchat::http {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;

using RawRequest = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<Body>;

struct Request {
    const RawRequest& raw;
    std::string path;                                        // percent-decoded, without the query
    std::string query;                                       // raw, without '?'
    std::map<std::string, std::string, std::less<>> params;  // from {name} segments
    std::string peer;                                        // "ip:port"
    std::string route;  // the route's pattern, for logs and metrics

    std::string_view header(bhttp::field f) const;
    std::string_view header(std::string_view name) const;
    // First value of a query parameter, percent-decoded.
    std::optional<std::string> query_param(std::string_view name) const;
    std::string_view param(std::string_view name) const;
};

struct HttpError : std::runtime_error {
    HttpError(bhttp::status s, std::string code, std::string message, std::string field = {})
        : std::runtime_error(message), status(s), code(std::move(code)), field(std::move(field)) {}
    bhttp::status status;
    std::string code;   // "validation_failed", "not_found", ...
    std::string field;  // the offending field, if any
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. Retry-After
};

using Handler = std::function<net::awaitable<Response>(Request&)>;

// A connection handed over by the HTTP server after a matching upgrade request (issue 6:
// GET /api/realtime → WebSocket). The HTTP session ends; the new owner (e.g. a
// beast::websocket::stream built from `stream`, then async_accept(request)) keeps the
// connection alive, sets its own deadlines and must close it on its own shutdown: the HTTP
// server's graceful stop and connection gauge no longer see it.
struct Upgrade {
    boost::beast::tcp_stream stream;  // on the connection's strand; no deadline set
    RawRequest request;
    std::map<std::string, std::string, std::less<>> params;
    std::string peer;
    // The connection's place in the per-address count (ServerOptions::max_connections_per_
    // address): whoever takes the connection over holds it for as long as the connection lives.
    std::shared_ptr<void> address_slot;
};
// Called on the connection's strand; must not block.
using UpgradeHandler = std::function<void(Upgrade&&)>;

// The first value of `name` in a raw query ("" for a bare name), not decoded: for a caller that
// has checked the query needs no decoding (no '%', no '+'), such as a fast handler.
std::optional<std::string_view> raw_query_param(std::string_view query, std::string_view name);

// Response helpers; all set Content-Type and keep-alive from `req`.
Response json_response(const Request& req, bhttp::status s, std::string json_text);
Response error_response(const RawRequest& req,
                        bhttp::status s,
                        std::string_view code,
                        std::string_view message,
                        std::string_view field = {});

class Router {
public:
    // Pattern: "/api/streams/{id}" — literal segments or {name}; a final {name*} captures the
    // rest of the path (for /hls/{streamId}/{file*}). Literal segments win over parameters.
    void add(bhttp::verb method, std::string pattern, Handler h);
    // GET `pattern` with `Connection: Upgrade` (beast::websocket::is_upgrade) hands the socket
    // to `h`; a plain GET there gets 426 unless a Handler is also added for GET.
    void add_upgrade(std::string pattern, UpgradeHandler h);

    struct Match {
        const Handler* handler = nullptr;
        std::string pattern;
        std::map<std::string, std::string, std::less<>> params;
        bool path_matched = false;                // some route has this path (405 if no handler)
        std::vector<bhttp::verb> allow;           // methods for that path
        const UpgradeHandler* upgrade = nullptr;  // GET route that takes over the socket
    };
    Match match(bhttp::verb method, std::string_view path) const;

    // GETs whose path starts with `prefix` are first offered to `h` (fast_get.hpp); `route`
    // names them in metrics and logs: the pattern of the ordinary route for the same URLs.
    void add_fast(std::string prefix, std::string route, FastHandler h);
    struct FastRoute {
        std::string prefix;
        std::string route;
        FastHandler handler;
    };
    const FastRoute* fast(std::string_view path) const;
    bool has_fast() const { return !fast_.empty(); }

private:
    struct Route {
        bhttp::verb method;
        std::string pattern;
        std::vector<std::string> segments;
        Handler handler;
        UpgradeHandler upgrade;
    };
    std::vector<Route> routes_;
    std::vector<FastRoute> fast_;
};

}  // namespace nchat::http
