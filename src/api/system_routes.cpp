// Operational routes: health, metrics, the OpenAPI description.
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "api/errors.hpp"
#include "api/handler.hpp"
#include "api/openapi.hpp"
#include "api/routes.hpp"
#include "store/database.hpp"

namespace nchat::api {
namespace {

namespace net = boost::asio;
using http::Request;
using http::Response;
using Verb = http::bhttp::verb;

net::awaitable<Response> healthz(ApiContext& ctx, Request& req) {
    // A read through the storage executor proves the database answers, not just the socket.
    bool db_ok = true;
    try {
        co_await ctx.db.read([](store::Store& s) { return s.count_users(); });
    } catch (const std::exception&) {
        db_ok = false;
    }
    nlohmann::json body = {{"status", db_ok ? "ok" : "degraded"},
                           {"version", ctx.version},
                           {"database", {{"backend", ctx.db.backend()}, {"ok", db_ok}}}};
    auto res = json(req, db_ok ? Status::ok : Status::service_unavailable, body);
    res.set(http::bhttp::field::cache_control, "no-store");
    co_return res;
}

net::awaitable<Response> metrics(ApiContext& ctx, Request& req) {
    if (ctx.before_scrape) ctx.before_scrape();
    auto text = prometheus::TextSerializer().Serialize(ctx.metrics.Collect());
    Response res{Status::ok, req.raw.version()};
    res.set(http::bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.set(http::bhttp::field::cache_control, "no-store");
    res.keep_alive(req.raw.keep_alive());
    res.body().assign(std::move(text));
    res.prepare_payload();
    co_return res;
}

// The spec's AppConfig (docs/api.md, "Server features") and the URLs a client needs; public.
net::awaitable<Response> app_config(ApiContext& ctx, Request& req) {
    const auto& f = ctx.features;
    nlohmann::json body = {{"features",
                            {{"liveStreaming", f.live_streaming},
                             {"streamRecording", f.recording},
                             {"streamChat", f.chat},
                             {"streamReactions", f.reactions},
                             {"streamScheduling", f.scheduling},
                             {"maxStreamDuration", f.max_stream_duration}}},
                           {"ingestUrl", ctx.ingest_url},
                           {"hlsBaseUrl", ctx.public_url + "/hls"}};
    auto res = json(req, Status::ok, body);
    res.set(http::bhttp::field::cache_control, "no-cache");
    co_return res;
}

net::awaitable<Response> openapi(ApiContext& ctx, Request& req) {
    co_return json(req, Status::ok, openapi_document(ctx.version, ctx.public_url));
}

}  // namespace

void add_system_routes(http::Router& r, ApiContext& ctx) {
    r.add(Verb::get, "/healthz", handler(ctx, healthz));
    r.add(Verb::get, "/metrics", handler(ctx, metrics));
    r.add(Verb::get, "/api/openapi.json", handler(ctx, openapi));
    r.add(Verb::get, "/api/config", handler(ctx, app_config));
}

}  // namespace nchat::api
