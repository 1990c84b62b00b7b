// `nchat-live serve`: wires storage, the API and the HTTP server, runs the network threads,
// and shuts down gracefully on SIGINT/SIGTERM (stop accepting, finish in-flight requests,
// flush storage) within 5 s.
#include <filesystem>
#include <iostream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <prometheus/registry.h>

#include "api/context.hpp"
#include "api/routes.hpp"
#include "app/commands.hpp"
#include "auth/token.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "store/database.hpp"
#include "util/clock.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

namespace nchat::app {
namespace {

namespace net = boost::asio;
constexpr auto kShutdownGrace = std::chrono::milliseconds(4000);

// On the first start with an empty database, create an admin and show its token once: the
// operator needs one credential to create broadcasters, and there is no other way in.
void ensure_admin(store::Database& db, util::Clock& clock) {
    auto token = db.write_sync([&](store::Store& s) -> std::string {
        if (s.count_users() > 0) return {};
        store::User u{util::new_uuid(), "admin", store::Role::admin, clock.now()};
        auto t = auth::new_api_token();
        s.create_user(u);
        s.add_api_token(u.id, auth::hash_token(t), u.created_at);
        return t;
    });
    if (token.empty()) return;
    std::cout << "\nFirst start: created the user 'admin' (role admin). Its API token, shown only "
                 "this once:\n\n    "
              << token
              << "\n\nKeep it somewhere safe; create more users with `nchat-live user create`.\n"
              << std::flush;
}

}  // namespace

int serve(const Config& cfg) {
    setup_logging(cfg);
    auto log = util::logger("app");
    if (!cfg.access_log) util::logger("access")->set_level(spdlog::level::off);
    util::SystemClock clock;

    store::DatabaseOptions dbo;
    dbo.url = cfg.db_url();
    dbo.readers = cfg.db_readers;
    store::Database db(dbo);
    int applied = db.write_sync([](store::Store& s) { return s.migrate(); });
    log->info("database {} ready ({} migrations applied)", db.backend(), applied);
    ensure_admin(db, clock);

    unsigned threads =
        cfg.threads > 0 ? unsigned(cfg.threads) : std::max(1u, std::thread::hardware_concurrency());
    net::io_context ioc(static_cast<int>(threads));
    prometheus::Registry registry;
    api::ApiContext ctx{db,
                        clock,
                        registry,
                        cfg.effective_public_url(),
                        cfg.effective_ingest_url(),
                        cfg.jwt_secret,
                        NCHAT_VERSION};
    http::Router router;
    api::add_routes(router, ctx);

    auto hp = parse_host_port(cfg.http, "http");
    http::ServerOptions opts;
    opts.host = hp.host;
    opts.port = hp.port;
    opts.cors_origins = cfg.cors_origins;
    opts.web_root = cfg.web_root;
    http::Server server(ioc, opts, router, registry);
    server.start();

    std::string bound = (hp.host.find(':') != std::string::npos ? "[" + hp.host + "]" : hp.host) +
                        ":" + std::to_string(server.port());
    if (cfg.public_url.empty() && hp.port == 0) {
        // Port 0 asked for any free port: the URLs we hand out must name the one we got.
        Config actual = cfg;
        actual.http = bound;
        ctx.public_url = actual.effective_public_url();
        ctx.ingest_url = actual.effective_ingest_url();
    }
    auto base = ctx.public_url;
    log->info("listening http={}", bound);
    std::cout << "\nnchat-live " << NCHAT_VERSION << " is running (listening on http://" << bound
              << ")\n"
              << (std::filesystem::is_directory(cfg.web_root)
                      ? "  Web app      " + base + "/\n"
                      : "  Web app      (none: " + cfg.web_root + " is not built yet)\n")
              << "  REST API     " << base << "/api/streams   (docs: " << base
              << "/api/openapi.json)\n"
              << "  Health       " << base << "/healthz\n"
              << "  Metrics      " << base << "/metrics\n"
              << "  RTMP ingest  " << ctx.ingest_url
              << "   (not served yet: RTMP ingest arrives with issue #4)\n"
              << std::flush;

    net::signal_set signals(ioc, SIGINT, SIGTERM);
    bool stopping = false;
    std::function<void(const boost::system::error_code&, int)> on_signal =
        [&](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            if (stopping) {
                log->warn("second signal {}: stopping now", sig);
                ioc.stop();
                return;
            }
            stopping = true;
            log->info("signal {}: shutting down", sig);
            server.stop(kShutdownGrace, [&ioc] { ioc.stop(); });
            signals.async_wait(on_signal);
        };
    signals.async_wait(on_signal);

    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i)
        pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : pool)
        t.join();
    db.stop();
    log->info("stopped");
    return 0;
}

}  // namespace nchat::app
