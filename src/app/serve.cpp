// `nchat-live serve`: wires storage, the API, the HTTP server, RTMP ingest, the live streams
// and their HLS packagers; runs the network threads; shuts down gracefully on SIGINT/SIGTERM
// (stop accepting, finish in-flight requests, flush storage) within 5 s.
#include <atomic>
#include <filesystem>
#include <iostream>
#include <set>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "api/authenticate.hpp"
#include "api/context.hpp"
#include "api/playback_access.hpp"
#include "api/routes.hpp"
#include "app/commands.hpp"
#include "app/io_pool.hpp"
#include "app/publish_authorizer.hpp"
#include "app/transcoding.hpp"
#include "app/webrtc.hpp"
#include "auth/token.hpp"
#include "hls/origin.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "ingest/rtmp/server.hpp"
#include "live/registry.hpp"
#include "realtime/hub.hpp"
#include "realtime/metrics.hpp"
#include "realtime/pubsub/in_process_bus.hpp"
#include "realtime/pubsub/redis_bus.hpp"
#include "realtime/pubsub/redis_limits.hpp"
#include "realtime/rate_limiter.hpp"
#include "realtime/service.hpp"
#include "realtime/viewer_sessions.hpp"
#include "realtime/ws/server.hpp"
#include "record/clips.hpp"
#include "record/replay.hpp"
#include "store/database.hpp"
#include "transcode/ffmpeg_log.hpp"
#include "util/clock.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

extern "C" {
#include <libavutil/log.h>
}

namespace nchat::app {
namespace {

namespace net = boost::asio;
constexpr auto kShutdownGrace = std::chrono::milliseconds(4000);

// The HLS origin's and WHEP's questions to the playback gate (coroutines of their own, so no
// lambda's captures outlive a call).
net::awaitable<hls::Origin::AccessDecision> origin_access(std::shared_ptr<api::PlaybackAccess> p,
                                                          std::string id,
                                                          std::optional<std::string> token) {
    auto d = co_await p->check(std::move(id), std::move(token));
    co_return hls::Origin::AccessDecision{d.allowed, std::move(d.token)};
}

net::awaitable<std::optional<std::string>> whep_access(std::shared_ptr<api::PlaybackAccess> p,
                                                       std::string id,
                                                       std::optional<std::string> token) {
    auto d = co_await p->check(std::move(id), std::move(token));
    if (!d.allowed) co_return std::nullopt;
    co_return std::move(d.user_id);
}
// After a stream ends its last playlist (with ENDLIST) and parts stay served this long, so
// players finish what they buffered; then the memory is freed.
constexpr auto kEndedRetention = std::chrono::seconds(60);

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

// The live media of a stream ended (grace period over, or POST /end): the store says ended, with
// the reactions and viewer sessions still queued counted (and its open sessions closed), and
// the stream's room hears it.
net::awaitable<void> mark_ended(store::Database& db,
                                util::Clock& clock,
                                std::string id,
                                realtime::Service* chat) {
    if (chat) co_await chat->flush();
    store::StreamPatch patch;
    patch.status = store::StreamStatus::ended;
    auto now = clock.now();
    patch.ended_at = now;
    std::vector<store::StreamStatus> expected{store::StreamStatus::live};
    bool applied = false;
    try {
        co_await db.write(
            [&](store::Store& s) { return s.update_stream(id, patch, now, expected, &applied); });
        if (applied) util::logger("app")->info("stream={} ended (publisher gone)", id);
        if (applied && chat) chat->stream_status_changed(id, store::StreamStatus::ended);
    } catch (const std::exception& e) {
        util::logger("app")->error("stream={} could not be marked ended: {}", id, e.what());
    }
}

// --max-stream-duration (AppConfig maxStreamDuration): the streams published on this node that
// have been live that long end, as when their broadcaster ends them; each broadcaster is warned
// once, 5 minutes before (at once when the limit is shorter). A stream published on another
// node is that node's to end. `warned` lives on the caller's thread.
net::awaitable<void> end_overlong_streams(store::Database& db,
                                          util::Clock& clock,
                                          live::Registry& streams,
                                          realtime::Service* chat,
                                          std::chrono::minutes max,
                                          std::set<std::string>& warned) {
    store::StreamFilter f;
    f.status = store::StreamStatus::live;
    f.include_all_private = true;
    f.limit = 1000;
    auto list = [f](store::Store& s) { return s.list_streams(f); };
    auto live = co_await db.read(list);
    const auto now = clock.now();
    constexpr auto kWarnBefore = std::chrono::minutes(5);
    for (const auto& s : live) {
        if (!s.started_at || !streams.find(s.id)) continue;
        const auto ends = *s.started_at + max;
        if (now >= ends) {
            util::logger("app")->info("stream={} ended: live for --max-stream-duration ({} min)",
                                      s.id, max.count());
            warned.erase(s.id);
            streams.end(s.id);  // marks it ended and tells the room, as a publisher gone for good
            continue;
        }
        if (now >= ends - kWarnBefore && chat && warned.insert(s.id).second) {
            chat->notify(
                s.id, s.broadcaster_id, "stream.warning",
                {{"reason", "max_duration"},
                 {"endsAt", util::format_iso8601(ends)},
                 {"message", "This stream reaches the server's maximum duration of " +
                                 std::to_string(max.count()) + " minutes and will end at " +
                                 util::format_iso8601(ends) + "."}});
        }
    }
}

// A scheduled stream whose time has come moves to preparing (pending_status's rule, applied
// when the time passes, not only at the next write) and its room gets `stream.reminder`: the
// waiting room hears that the broadcaster is due. The conditional update lets one node of
// several win, so the reminder goes out once.
net::awaitable<void> start_due_schedules(store::Database& db,
                                         util::Clock& clock,
                                         realtime::Service* chat) {
    store::StreamFilter f;
    f.status = store::StreamStatus::scheduled;
    f.include_all_private = true;
    f.limit = 1000;
    auto list = [f](store::Store& s) { return s.list_streams(f); };
    auto due = co_await db.read(list);
    const auto now = clock.now();
    for (const auto& s : due) {
        if (!s.scheduled_at || *s.scheduled_at > now) continue;
        store::StreamPatch patch;
        patch.status = store::StreamStatus::preparing;
        std::vector<store::StreamStatus> expected{store::StreamStatus::scheduled};
        bool applied = false;
        const auto id = s.id;
        auto update = [&](store::Store& st) {
            return st.update_stream(id, patch, now, expected, &applied);
        };
        co_await db.write(update);
        if (!applied || !chat) continue;
        chat->stream_status_changed(id, store::StreamStatus::preparing);
        chat->notify(id, std::nullopt, "stream.reminder",
                     {{"scheduledAt", util::format_iso8601(*s.scheduled_at)},
                      {"title", s.title},
                      {"message", "\"" + s.title + "\" is starting: the broadcaster is due."}});
    }
}

realtime::ServiceConfig chat_config(const Config& cfg) {
    realtime::ServiceConfig c;
    c.chat_enabled = cfg.stream_chat;
    c.reactions_enabled = cfg.stream_reactions;
    c.chat = {double(cfg.chat_rate), double(cfg.chat_rate)};
    c.reactions = {double(cfg.reaction_rate), double(cfg.reaction_rate)};
    c.profanity_words = cfg.profanity_words;
    c.profanity_builtin = cfg.profanity_builtin;
    c.profanity_mode = cfg.profanity_mode == "reject" ? realtime::ProfanityMode::reject
                                                      : realtime::ProfanityMode::mask;
    return c;
}

std::string host_port(const std::string& host, unsigned short port) {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
           std::to_string(port);
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
    IoPool io(threads);
    net::io_context& ioc = io.main();
    prometheus::Registry registry;

    hls::Origin origin;
    // Recordings (issue 16): written when --record, replayed whatever it says (docs/recording.md).
    record::RecorderOptions rec_opts;
    rec_opts.root = cfg.effective_record_path();
    record::Recorder recorder(rec_opts, clock);
    record::Replay replay(recorder);
    origin.set_fallback(
        [&replay](const http::Request& req, std::string_view id, std::string_view rendition,
                  std::string_view file) { return replay.serve(req, id, rendition, file); });
    if (cfg.record) log->info("recording live streams to {}", rec_opts.root.string());
    // Retention: at start, then hourly, recordings past their days are deleted on its thread.
    auto retention = std::make_shared<net::steady_timer>(ioc);
    std::function<void()> sweep = [&, retention] {
        if (cfg.record_retention_days <= 0) return;
        recorder.sweep(std::chrono::hours(24 * cfg.record_retention_days));
        retention->expires_after(std::chrono::hours(1));
        retention->async_wait([&sweep](boost::system::error_code ec) {
            if (!ec) sweep();
        });
    };
    sweep();
    // Data retention (issue 17, docs/configuration.md): chat messages, reactions and ended
    // viewer sessions older than --retention-days go, at start and then hourly, on the writer.
    auto data_retention = std::make_shared<net::steady_timer>(ioc);
    std::function<void()> sweep_data = [&, data_retention] {
        if (cfg.retention_days <= 0) return;
        const auto before = clock.now() - std::chrono::hours(24 * cfg.retention_days);
        auto job = [before](store::Store& s) { return s.sweep_before(before); };
        net::co_spawn(ioc, db.write(std::move(job)),
                      [log](std::exception_ptr e, store::RetentionSwept n) {
                          if (e) {
                              log->warn("retention sweep not done; the next one retries");
                          } else if (n.chat_messages + n.reactions + n.viewer_sessions > 0) {
                              log->info(
                                  "retention: deleted {} chat messages, {} reactions, {} viewer "
                                  "sessions",
                                  n.chat_messages, n.reactions, n.viewer_sessions);
                          }
                      });
        data_retention->expires_after(std::chrono::hours(1));
        data_retention->async_wait([&sweep_data](boost::system::error_code ec) {
            if (!ec) sweep_data();
        });
    };
    sweep_data();
    realtime::Service* chat_service = nullptr;  // set once the bus exists, before any publish
    live::Registry streams(
        ioc.get_executor(), std::chrono::seconds(cfg.reconnect_grace), [&](const std::string& id) {
            net::co_spawn(ioc, mark_ended(db, clock, id, chat_service), net::detached);
            auto pres = origin.find(id);
            auto t = std::make_shared<net::steady_timer>(ioc, kEndedRetention);
            t->async_wait([&origin, &recorder, id, pres, t](auto) {
                origin.remove(id, pres);
                recorder.finish(id);  // if a rendition never said it ended
            });
        });

    // Streams the store says are live have no publisher now (the server restarted or crashed):
    // give each the reconnect grace so an encoder that retries continues the same stream, and
    // let the grace period end the others, as if their publisher had just left.
    auto orphans = db.write_sync([](store::Store& s) {
        store::StreamFilter f;
        f.status = store::StreamStatus::live;
        f.include_all_private = true;
        f.limit = 1000;
        return s.list_streams(f);
    });
    for (const auto& s : orphans) {
        constexpr std::uint64_t kNoPublisher = ~std::uint64_t{0};
        if (streams.claim(s.id, kNoPublisher)) streams.release(s.id, kNoPublisher);
    }
    if (!orphans.empty()) {
        log->info("{} stream(s) were live at the last stop: waiting {} s for their publishers",
                  orphans.size(), cfg.reconnect_grace);
    }

    // Realtime (issue 6): this node's rooms, sharded over the network threads, and the bus the
    // chat service publishes to (Redis when several nodes share the work).
    realtime::HubOptions hub_opts;
    hub_opts.shards = threads;
    for (std::size_t i = 0; i < io.size(); ++i)
        hub_opts.shard_contexts.push_back(&io.context(i));
    // Viewer sessions of this node's rooms (nchat_stream_viewers), stored by the chat service's
    // flush; the node id names them, and this node on Redis.
    const std::string node_id = util::new_uuid();
    realtime::ViewerSessions viewer_sessions(clock, node_id);
    realtime::Hub hub(ioc, hub_opts);
    hub.presence().record_sessions(&viewer_sessions);
    std::unique_ptr<realtime::RedisBus> redis_bus;
    std::unique_ptr<realtime::EventBus> local_bus;
    if (!cfg.redis.empty()) {
        realtime::RedisBusOptions ro;
        ro.url = cfg.redis;
        ro.node_id = node_id;
        redis_bus = std::make_unique<realtime::RedisBus>(hub, ro);
    } else {
        local_bus = std::make_unique<realtime::InProcessBus>(hub);
    }
    realtime::EventBus& bus = redis_bus ? static_cast<realtime::EventBus&>(*redis_bus) : *local_bus;
    // Several nodes: chat, reaction and guest-name rate limits and slow mode counted for all of
    // them at once.
    std::unique_ptr<realtime::RedisLimits> shared_limits;
    if (!cfg.redis.empty()) shared_limits = std::make_unique<realtime::RedisLimits>(cfg.redis);
    // Chat, reactions, Q&A and moderation (docs/chat.md): one service behind REST and WebSocket.
    realtime::Service chat(db, clock, bus, chat_config(cfg));
    chat.record_viewers(viewer_sessions);
    // The room's events carry their moment on the recording (docs/recording.md, "Media time").
    chat.set_media_clock([&recorder](const std::string& id, util::Time at) {
        return recorder.media_ms_at(id, at.time_since_epoch().count());
    });
    chat_service = &chat;
    if (shared_limits) {
        chat.share_limits(shared_limits.get());
        shared_limits->start();
    }

    api::ApiContext ctx{db,
                        clock,
                        registry,
                        cfg.effective_public_url(),
                        cfg.effective_ingest_url(),
                        cfg.jwt_secret,
                        NCHAT_VERSION,
                        [&streams](const std::string& id) { streams.end(id); },
                        nullptr};
    auto& live_gauge = prometheus::BuildGauge()
                           .Name("nchat_live_streams")
                           .Help(
                               "Streams with a publisher, or waiting out its reconnect grace, "
                               "on this node")
                           .Register(registry)
                           .Add({});
    ctx.before_scrape = [&] { live_gauge.Set(static_cast<double>(streams.size())); };
    ctx.realtime = &chat;
    // Private playback (docs/api.md): tokens every node checks with the same secret.
    ctx.playback = std::make_shared<api::PlaybackAccess>(
        db, clock, cfg.playback_secret.empty() ? util::new_secret() : cfg.playback_secret);
    if (cfg.playback_secret.empty() && !cfg.redis.empty()) {
        log->warn(
            "playback tokens are signed with a secret of this node only: set --playback-secret "
            "to the same value on every node");
    }
    origin.set_access({[p = ctx.playback](std::string_view id) { return p->known_public(id); },
                       [p = ctx.playback](std::string id, std::optional<std::string> token) {
                           return origin_access(p, std::move(id), std::move(token));
                       }});
    ctx.max_open_streams = cfg.max_open_streams;
    if (cfg.guests) {
        ctx.guest_secret = cfg.guest_secret.empty() ? util::new_secret() : cfg.guest_secret;
        if (cfg.guest_secret.empty() && !cfg.redis.empty()) {
            log->warn(
                "guest tokens are signed with a secret of this node only: set --guest-secret "
                "to the same value on every node");
        }
        // Ten guest names a minute per address (a page reload reuses the one it has).
        ctx.guest_limiter = std::make_shared<realtime::RateLimiter>(10.0 / 60.0, 10.0, 100000);
        if (shared_limits) ctx.guest_limiter->share(shared_limits.get(), "guests");
    }
    // The quality ladder (issue 5, docs/transcode.md): a transcoder per published stream.
    std::unique_ptr<Transcoding> transcoding;
    if (cfg.transcode) {
        transcode::route_ffmpeg_logs(AV_LOG_WARNING);
        transcoding = std::make_unique<Transcoding>(cfg.ladder_config(), registry);
        ctx.before_scrape = [&, before = ctx.before_scrape] {
            if (before) before();
            transcoding->refresh_metrics();
        };
    }
    ctx.recording = [&recorder](const std::string& id) -> nlohmann::json {
        auto info = recorder.info(id);
        if (!info) return nullptr;
        nlohmann::json out = {{"state", record::to_string(info->state)},
                              {"durationMs", info->duration_ms},
                              {"sizeBytes", info->size_bytes},
                              {"renditions", info->renditions},
                              {"mp4", info->mp4}};
        if (!info->started_at.empty()) out["startedAt"] = info->started_at;
        if (!info->ended_at.empty()) out["endedAt"] = info->ended_at;
        if (!info->error.empty()) out["error"] = info->error;
        return out;
    };
    ctx.create_clip = [&recorder, &clock](const std::string& id, std::int64_t from, std::int64_t to,
                                          const std::string& title, const std::string& user,
                                          std::string* why) {
        auto dir = recorder.dir(id);
        auto best = recorder.best_rendition(id);
        if (!dir || best.empty()) {
            *why = "nothing of this stream is recorded";
            return nlohmann::json(nullptr);
        }
        auto clip = record::cut_clip(*dir, best, from, to, why);
        if (!clip) return nlohmann::json(nullptr);
        clip->id = util::new_uuid();
        clip->stream_id = id;
        clip->title = title;
        clip->created_by = user;
        clip->created_at = util::format_iso8601(clock.now());
        if (auto ec = record::save_clip(*dir, *clip))  // the server's fault: a 500
            throw std::runtime_error("the clip could not be saved: " + ec.message());
        return record::clip_json(*clip);
    };
    ctx.media_window = [&recorder](const std::string& id, std::int64_t from,
                                   std::int64_t to) -> std::optional<api::ApiContext::MediaWindow> {
        auto t = recorder.timeline(id);
        if (!t) return std::nullopt;
        api::ApiContext::MediaWindow w;
        for (const auto& r : t->timeline.wall_ranges(from, to, t->live))
            w.ranges.emplace_back(r.from, r.to);
        auto timeline = std::make_shared<const record::MediaTimeline>(std::move(t->timeline));
        w.media_ms = [timeline](std::int64_t unix_ms) { return timeline->media_ms_at(unix_ms); };
        return w;
    };
    ctx.list_clips = [&recorder](const std::string& id) {
        auto out = nlohmann::json::array();
        if (auto dir = recorder.dir(id)) {
            for (const auto& c : record::list_clips(*dir))
                out.push_back(record::clip_json(c));
        }
        return out;
    };
    if (cfg.record) {
        // Thumbnails come from the recording's lowest rendition (docs/recording.md).
        ctx.thumbnail = [&recorder](const std::string& id) {
            auto p = recorder.thumbnail(id);
            return p ? p->string() : std::string();
        };
    }
    ctx.recording_download = [&recorder](const std::string& id) {
        auto p = recorder.download(id);
        return p ? p->string() : std::string();
    };
    ctx.delete_recording = [&recorder, &origin](const std::string& id) {
        if (!recorder.remove(id)) return false;
        // The ended stream's last live window goes too: a takedown leaves no URL that plays.
        if (auto pres = origin.find(id); pres && pres->ended()) origin.remove(id, pres);
        return true;
    };
    {
        // The recorder counts on its thread; /metrics catches the counters up with it.
        auto counter = [&](const char* name, const char* help) -> prometheus::Counter& {
            return prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
        };
        auto& rec_bytes = counter("nchat_recording_bytes_total", "Bytes written to recordings");
        auto& rec_segments =
            counter("nchat_recording_segments_total", "Segments written to recordings");
        auto& rec_failures = counter("nchat_recording_failures_total",
                                     "Recordings stopped by a write error or a full disk");
        auto& rec_queued = prometheus::BuildGauge()
                               .Name("nchat_recording_queued_bytes")
                               .Help("Bytes waiting for the recordings' disk")
                               .Register(registry)
                               .Add({});
        ctx.before_scrape = [&recorder, bytes = &rec_bytes, segments = &rec_segments,
                             failures = &rec_failures, queued = &rec_queued,
                             before = ctx.before_scrape] {
            if (before) before();
            auto catch_up = [](prometheus::Counter* c, std::uint64_t total) {
                if (double(total) > c->Value()) c->Increment(double(total) - c->Value());
            };
            catch_up(bytes, recorder.stats().bytes.load());
            catch_up(segments, recorder.stats().segments.load());
            catch_up(failures, recorder.stats().failures.load());
            queued->Set(double(recorder.writer().queued_bytes()));
        };
    }
    ctx.media_health = [&](const std::string& id) {
        nlohmann::json out = nlohmann::json::object();
        auto live = streams.find(id);
        out["publishing"] = live && !live->ended();
        auto names = nlohmann::json::array();
        if (auto pres = origin.find(id)) {
            for (const auto& m : pres->renditions())
                names.push_back(m.name);
        }
        out["renditions"] = std::move(names);
        out["transcode"] = transcoding ? transcoding->health(id) : nlohmann::json(nullptr);
        out["recording"] = ctx.recording(id);
        return out;
    };
    chat.start(ioc.get_executor());
    std::set<std::string> warned_long;  // on ioc's thread
    auto duration_timer = std::make_shared<net::steady_timer>(ioc);
    // Every 5 s: scheduled streams whose time came, then streams past --max-stream-duration.
    std::function<void()> check_durations = [&] {
        net::co_spawn(ioc, start_due_schedules(db, clock, &chat), [&](std::exception_ptr e) {
            if (e) log->warn("schedules: the check failed");
            const std::chrono::minutes max(cfg.max_stream_duration);
            auto next = [&] {
                duration_timer->expires_after(std::chrono::seconds(5));
                duration_timer->async_wait([&](boost::system::error_code ec) {
                    if (!ec) check_durations();
                });
            };
            if (max.count() == 0) return next();
            net::co_spawn(ioc, end_overlong_streams(db, clock, streams, &chat, max, warned_long),
                          [&, next](std::exception_ptr e2) {
                              if (e2) log->warn("max stream duration: the check failed");
                              next();
                          });
        });
    };
    check_durations();
    ctx.features = {cfg.live_streaming,    cfg.record,
                    cfg.stream_chat,       cfg.stream_reactions,
                    cfg.stream_scheduling, cfg.max_stream_duration};
    PublishSettings ps;
    ps.auto_live = cfg.auto_live;
    ps.live_streaming = cfg.live_streaming;
    if (transcoding) ps.transcoding = transcoding.get();
    if (cfg.record) ps.recorder = &recorder;
    ps.rendition.part_target = std::chrono::milliseconds(cfg.part_target_ms);
    ps.rendition.segment_target = std::chrono::milliseconds(cfg.segment_target_ms);
    ps.on_status = [&chat](const std::string& id, store::StreamStatus st) {
        chat.stream_status_changed(id, st);
    };
    PublishAuthorizer authorizer(db, streams, origin, clock, ps);
    // WebRTC (WHIP): the UDP port is bound before HTTP starts, so the first answer has its port.
    play::whep::ServerOptions whep;
    // A WHEP viewer is a viewer of the room, anonymous, like a WebSocket subscriber.
    whep.viewer_joined = [&hub](const std::string& id, std::uint64_t conn) {
        hub.presence().join(id, nullptr, conn);
    };
    whep.may_play = [p = ctx.playback](std::string id, std::optional<std::string> token) {
        return whep_access(p, std::move(id), std::move(token));
    };
    if (redis_bus) {
        // Several nodes: this node says which streams it packages, and sends viewers of a
        // stream packaged elsewhere there (docs/deploy.md, "Several nodes").
        redis_bus->set_local_streams([&origin] { return origin.live_ids(); });
        auto elsewhere = [bus = redis_bus.get()](const std::string& id) {
            return bus->origin_of(id);
        };
        origin.set_elsewhere(elsewhere);
        whep.elsewhere = elsewhere;
    }
    whep.viewer_left = [&hub](const std::string& id, std::uint64_t conn) {
        hub.presence().leave(id, nullptr, conn);
    };
    if (transcoding) {
        whep.rendition = [&transcoding](const std::string& id, const std::string& name) {
            return transcoding->rendition(id, name);
        };
    }
    WebRtc webrtc(cfg, io.next(), authorizer, streams, std::move(whep));
    webrtc.start();
    // A viewer whose access to a private stream was revoked (on any node: the event comes
    // through the room's bus) loses their WHEP sessions of it here.
    hub.set_observer([&webrtc](const realtime::OutEvent& e) {
        if (e.user_id && e.type == realtime::kAccessRevoked)
            webrtc.whep().end_viewer(e.stream_id, *e.user_id);
    });
    ctx.media_health = [&webrtc, base = ctx.media_health](const std::string& id) {
        auto out = base(id);
        out["webrtc"] = webrtc.health(id);
        return out;
    };

    http::Router router;
    api::add_routes(router, ctx);
    origin.add_routes(router);
    replay.add_routes([&](std::string pattern, http::Handler h) {
        origin.add_route(router, pattern, std::move(h));
    });
    webrtc.add_routes(router);

    // GET /api/realtime: the WebSocket protocol (docs/realtime.md). Authentication is the API's,
    // injected: the realtime module does not depend on api.
    realtime::ws::Options wso;
    wso.ping_interval = std::chrono::seconds(cfg.ws_ping_interval);
    wso.ping_timeout = std::chrono::seconds(cfg.ws_ping_timeout);
    wso.auth_timeout = std::chrono::seconds(cfg.ws_auth_timeout);
    wso.max_connections = std::size_t(cfg.ws_max_connections);
    wso.max_queued_bytes = std::size_t(cfg.ws_send_queue_kb) * 1024;
    realtime::ws::Server realtime_ws(
        hub, ctx.realtime,
        [&ctx](std::string header) { return api::authenticate_header(ctx, std::move(header)); },
        wso);
    router.add_upgrade("/api/realtime", realtime_ws.upgrade_handler());
    realtime::Metrics realtime_metrics(registry, hub, realtime_ws, redis_bus.get(),
                                       &viewer_sessions, shared_limits.get());
    ctx.before_scrape = [&, before = ctx.before_scrape] {
        if (before) before();
        realtime_metrics.refresh();
    };
    hub.start();
    if (redis_bus) redis_bus->start();

    auto hp = parse_host_port(cfg.http, "http");
    http::ServerOptions opts;
    opts.host = hp.host;
    opts.port = hp.port;
    opts.cors_origins = cfg.cors_origins;
    opts.web_root = cfg.web_root;
    opts.max_connections_per_address = std::size_t(cfg.http_max_per_address);
    opts.connection_executor = [&io] { return io.next(); };
    http::Server server(ioc, opts, router, registry);
    server.start();

    auto rp = parse_host_port(cfg.rtmp, "rtmp");
    ingest::rtmp::ServerOptions ro;
    ro.host = rp.host;
    ro.port = rp.port;
    ro.max_connections_per_address = std::size_t(cfg.rtmp_max_per_address);
    ro.connection_executor = [&io] { return io.next(); };
    ingest::rtmp::Server rtmp(ioc, ro, authorizer, registry);
    rtmp.start();

    // Port 0 asks for any free port: the URLs we hand out must name the ones we got.
    Config actual = cfg;
    actual.http = host_port(hp.host, server.port());
    actual.rtmp = host_port(rp.host, rtmp.port());
    actual.udp = host_port(parse_host_port(cfg.udp, "udp").host, webrtc.port());
    ctx.public_url = actual.effective_public_url();
    ctx.ingest_url = actual.effective_ingest_url();
    authorizer.settings().public_url = ctx.public_url;
    if (redis_bus) redis_bus->set_public_url(ctx.public_url);

    auto base = ctx.public_url;
    log->info("listening http={} rtmp={} udp={}", actual.http, actual.rtmp, actual.udp);
    std::cout << "\nnchat-live " << NCHAT_VERSION << " is running (listening on http://"
              << actual.http << ", rtmp://" << actual.rtmp << ")\n"
              << (std::filesystem::is_directory(cfg.web_root)
                      ? "  Web app      " + base + "/\n"
                      : "  Web app      (none: " + cfg.web_root + " is not built yet)\n")
              << "  REST API     " << base << "/api/streams   (docs: " << base
              << "/api/openapi.json)\n"
              << "  Health       " << base << "/healthz\n"
              << "  Metrics      " << base << "/metrics\n"
              << "  RTMP ingest  " << ctx.ingest_url
              << "   (OBS: Server = this URL, Stream Key = the stream's streamKey)\n"
              << "  WHIP ingest  " << base << "/api/whip   (Bearer = the stream's streamKey; "
              << "WebRTC media on udp " << actual.udp << ")\n"
              << "  HLS          " << base << "/hls/{streamId}/master.m3u8\n"
              << std::flush;

    net::signal_set signals(ioc, SIGINT, SIGTERM);
    bool stopping = false;
    std::function<void(const boost::system::error_code&, int)> on_signal =
        [&](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            if (stopping) {
                log->warn("second signal {}: stopping now", sig);
                io.stop();
                return;
            }
            stopping = true;
            log->info("signal {}: shutting down", sig);
            rtmp.stop();
            webrtc.stop();
            // The HTTP server and the WebSocket sessions drain side by side.
            auto pending = std::make_shared<std::atomic<int>>(2);
            auto drained = [&io, pending] {
                if (pending->fetch_sub(1) == 1) io.stop();
            };
            server.stop(kShutdownGrace, drained);
            realtime_ws.stop(kShutdownGrace, drained);
            hub.stop();
            signals.async_wait(on_signal);
        };
    signals.async_wait(on_signal);

    io.run();
    chat.flush_sync();  // reactions and viewer sessions still queued; open sessions end
    if (redis_bus) redis_bus->stop();
    if (shared_limits) shared_limits->stop();
    db.stop();
    log->info("stopped");
    return 0;
}

}  // namespace nchat::app
