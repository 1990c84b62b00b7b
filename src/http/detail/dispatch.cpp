#include "http/detail/dispatch.hpp"

#include <boost/beast/websocket/rfc6455.hpp>

#include "http/detail/percent.hpp"
#include "http/detail/server_core.hpp"

namespace nchat::http::detail {
namespace {

std::string allow_header(const std::vector<bhttp::verb>& allow) {
    std::string out;
    bool get = false, head = false;
    for (auto v : allow) {
        get = get || v == bhttp::verb::get;
        head = head || v == bhttp::verb::head;
        if (!out.empty()) out += ", ";
        out += bhttp::to_string(v);
    }
    if (get && !head) out += ", HEAD";
    return out;
}

Response from_http_error(const RawRequest& req, const HttpError& e) {
    auto res = error_response(req, e.status, e.code, e.what(), e.field);
    for (const auto& [name, value] : e.headers)
        res.set(name, value);
    return res;
}

}  // namespace

net::awaitable<Outcome> dispatch(ServerCore& core, const RawRequest& req, const std::string& peer) {
    Outcome out;
    auto target = req.target();
    auto qpos = target.find('?');
    auto path = decode_path(target.substr(0, qpos));
    if (!path || path->empty() || path->front() != '/') {
        out.route = "unmatched";
        out.res = error_response(req, bhttp::status::bad_request, "bad_request",
                                 "malformed request path");
        co_return out;
    }
    auto origin = core.cors.allowed_origin(req);
    if (!origin.empty() && Cors::is_preflight(req)) {
        out.route = "preflight";
        out.res = Cors::preflight_response(req, origin);
        co_return out;
    }

    auto method = req.method();
    auto m = core.router.match(method, *path);
    if (!m.handler && !m.upgrade && method == bhttp::verb::head) {
        auto g = core.router.match(bhttp::verb::get, *path);
        if (g.handler) m = std::move(g);
    }
    if (m.upgrade && boost::beast::websocket::is_upgrade(req)) {
        out.route = std::move(m.pattern);
        out.upgrade = m.upgrade;
        out.params = std::move(m.params);
        co_return out;
    }

    if (m.handler) {
        std::string query =
            qpos == std::string_view::npos ? std::string{} : std::string(target.substr(qpos + 1));
        Request r{req,  std::move(*path),    std::move(query), std::move(m.params),
                  peer, std::move(m.pattern)};
        try {
            out.res = co_await (*m.handler)(r);
        } catch (const HttpError& e) {
            out.res = from_http_error(req, e);
        } catch (const std::exception& e) {
            core.log->error("peer={} \"{} {}\": handler failed: {}", peer, req.method_string(),
                            r.route, e.what());
            out.res = error_response(req, bhttp::status::internal_server_error, "internal",
                                     "internal server error");
        }
        out.route = std::move(r.route);
    } else if (m.upgrade) {
        out.route = std::move(m.pattern);
        out.res = error_response(req, bhttp::status::upgrade_required, "upgrade_required",
                                 "this endpoint needs a WebSocket upgrade");
        out.res.set(bhttp::field::upgrade, "websocket");
    } else if (m.path_matched) {
        out.route = std::move(m.pattern);
        out.res = error_response(req, bhttp::status::method_not_allowed, "method_not_allowed",
                                 "method not allowed");
        out.res.set(bhttp::field::allow, allow_header(m.allow));
    } else if (core.files && StaticFiles::eligible(method, *path)) {
        out.route = "static";
        out.res = co_await core.files->serve(req, *path);
    } else {
        out.route = "unmatched";
        out.res = error_response(req, bhttp::status::not_found, "not_found", "no such resource");
    }
    if (!origin.empty()) Cors::add_headers(out.res, origin);
    co_return out;
}

}  // namespace nchat::http::detail
