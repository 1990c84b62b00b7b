// The stream-management routes of the product spec (docs/api.md).

#include <fstream>

#include <boost/asio/awaitable.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/authenticate.hpp"
#include "api/detail/media_time.hpp"
#include "api/errors.hpp"
#include "api/handler.hpp"
#include "api/lifecycle.hpp"
#include "api/playback_access.hpp"
#include "api/room_input.hpp"
#include "api/routes.hpp"
#include "api/stream_input.hpp"
#include "api/stream_json.hpp"
#include "api/validation.hpp"
#include "auth/permissions.hpp"
#include "auth/token.hpp"
#include "http/range.hpp"
#include "realtime/service.hpp"
#include "store/database.hpp"
#include "util/ids.hpp"
#include "util/time.hpp"

namespace nchat::api {
namespace {

namespace net = boost::asio;
using http::Request;
using http::Response;
using store::Store;
using store::Stream;
using Verb = http::bhttp::verb;

constexpr std::int64_t kMaxPageSize = 100;
constexpr std::int64_t kMaxOffset = 1'000'000;

struct Loaded {
    Stream stream;
    std::optional<auth::Principal> who;
    bool manages = false;
};

// Loads {id} for `who`. A stream the caller may not see is "not found", never "forbidden":
// a private stream's existence is not revealed.
net::awaitable<Loaded> load(ApiContext& ctx, const Request& req, bool must_manage) {
    Loaded l;
    l.who = co_await authenticate(ctx, req);
    if (must_manage && !l.who) throw unauthorized("authentication required");
    auto id = std::string(req.param("id"));
    if (!util::is_uuid(id)) throw not_found("no stream " + id);
    auto s = co_await ctx.db.read([&](Store& st) { return st.get_stream(id); });
    if (!s) throw not_found("no stream " + id);
    l.manages = l.who && auth::can_manage_stream(*l.who, *s);
    bool granted = false;
    if (s->is_private && l.who && !l.manages) {
        const auto& uid = l.who->user_id;
        granted = co_await ctx.db.read([&](Store& st) { return st.has_stream_access(id, uid); });
    }
    if (!auth::can_view_stream(l.who, *s, granted)) throw not_found("no stream " + id);
    if (must_manage && !l.manages) {
        throw forbidden("only the stream's broadcaster or an admin may do this");
    }
    l.stream = std::move(*s);
    co_return l;
}

// A stream as the API gives it: with the thumbnail the server makes when the broadcaster set
// none (docs/recording.md, Thumbnails).
nlohmann::json stream_out(const ApiContext& ctx, const Stream& s) {
    auto j = stream_to_json(s);
    // Only once one exists (a stat): a card shows its own placeholder until then.
    if (ctx.thumbnail && j["thumbnailUrl"].is_null() &&
        (s.status == store::StreamStatus::live || s.status == store::StreamStatus::ended) &&
        !ctx.thumbnail(s.id).empty()) {
        j["thumbnailUrl"] = ctx.public_url + "/api/streams/" + s.id + "/thumbnail.jpg";
    }
    return j;
}

// The answer of the two routes that make a stream key: the key is shown this once (as GitHub
// shows a token), then only its hash is kept.
nlohmann::json stream_with_key(const ApiContext& ctx, const Stream& s, const std::string& key) {
    auto j = stream_out(ctx, s);
    j["streamKey"] = key;
    return j;
}

nlohmann::json list_json(const ApiContext& ctx, const std::vector<Stream>& streams) {
    auto out = nlohmann::json::array();
    for (const auto& s : streams)
        out.push_back(stream_out(ctx, s));
    return out;
}

// The stream's latest picture, refreshed every 10 s while it is live.
net::awaitable<Response> stream_thumbnail(ApiContext& ctx, Request& req) {
    auto l = co_await load(ctx, req, false);
    std::string path = ctx.thumbnail ? ctx.thumbnail(l.stream.id) : "";
    std::ifstream in(path, std::ios::binary);
    if (path.empty() || !in) throw not_found("stream " + l.stream.id + " has no thumbnail (yet)");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Response res{Status::ok, req.raw.version()};
    res.set(http::bhttp::field::content_type, "image/jpeg");
    res.set(http::bhttp::field::cache_control, "public, max-age=10");
    res.keep_alive(req.raw.keep_alive());
    res.body().assign(std::move(bytes));
    res.prepare_payload();
    co_return res;
}

net::awaitable<Response> create_stream(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    if (!auth::can_create_stream(who)) {
        throw forbidden("only broadcasters and admins may create streams");
    }
    require_json_content(req);
    auto in = parse_create_stream(req.raw.body());
    if (in.scheduled_at && !ctx.features.scheduling)
        throw bad_request("scheduling is turned off on this server", "scheduledAt");
    auto now = ctx.clock.now();
    Stream s;
    s.id = util::new_uuid();
    s.channel_id = in.channel_id;
    s.broadcaster_id = who.user_id;
    s.title = std::move(in.title);
    s.description = std::move(in.description);
    s.thumbnail_url = std::move(in.thumbnail_url);
    s.scheduled_at = in.scheduled_at;
    s.status = pending_status(in.scheduled_at, now);
    const auto key = util::new_secret();
    s.stream_key_hash = auth::hash_token(key);
    s.ingest_url = ctx.ingest_url;
    s.max_resolution = in.max_resolution;
    s.top_rung = in.top_rung;
    s.enable_chat = in.enable_chat;
    s.enable_reactions = in.enable_reactions;
    s.enable_qa = in.enable_qa;
    s.chat_mode = in.chat_mode;
    s.tags = std::move(in.tags);
    s.is_private = in.is_private;
    s.hide_viewer_list = in.hide_viewer_list;
    s.created_at = s.updated_at = now;
    // Counted and inserted in one job of the single writer: two creates cannot both take the
    // last place (on one node; nodes sharing a PostgreSQL may overshoot by a few).
    const auto limit = ctx.max_open_streams;
    bool created = co_await ctx.db.write([&](Store& st) {
        if (limit > 0 && st.count_open_streams(s.broadcaster_id) >= limit) return false;
        st.create_stream(s);
        return true;
    });
    if (!created) throw stream_quota_exceeded(limit);
    auto res = json(req, Status::created, stream_with_key(ctx, s, key));
    res.set(http::bhttp::field::location, "/api/streams/" + s.id);
    co_return res;
}

net::awaitable<Response> get_stream(ApiContext& ctx, Request& req) {
    auto l = co_await load(ctx, req, false);
    co_return json(req, Status::ok, stream_out(ctx, l.stream));
}

net::awaitable<Response> patch_stream(ApiContext& ctx, Request& req) {
    auto l = co_await load(ctx, req, true);
    require_json_content(req);
    auto patch = parse_stream_patch(req.raw.body());
    if (patch.scheduled_at && *patch.scheduled_at && !ctx.features.scheduling)
        throw bad_request("scheduling is turned off on this server", "scheduledAt");
    auto now = ctx.clock.now();
    std::vector<store::StreamStatus> expected{l.stream.status};
    if (patch.scheduled_at) {
        // The schedule only means something before going live; it then decides between
        // scheduled and preparing.
        if (l.stream.status != store::StreamStatus::scheduled &&
            l.stream.status != store::StreamStatus::preparing) {
            throw wrong_state("scheduledAt can only change before the stream goes live");
        }
        patch.status = pending_status(*patch.scheduled_at, now);
    }
    bool applied = true;
    auto id = l.stream.id;
    auto s = co_await ctx.db.write([&](Store& st) {
        return st.update_stream(
            id, patch, now, patch.status ? expected : std::vector<store::StreamStatus>{}, &applied);
    });
    if (!s) throw not_found("no stream " + id);
    if (!applied) throw wrong_state("the stream changed state meanwhile; retry");
    if (patch.is_private && ctx.playback) ctx.playback->forget(id);  // gate its media at once
    co_return json(req, Status::ok, stream_out(ctx, *s));
}

net::awaitable<Response> delete_stream(ApiContext& ctx, Request& req) {
    auto l = co_await load(ctx, req, true);
    if (l.stream.status == store::StreamStatus::live) {
        throw wrong_state("the stream is live: end it before deleting it");
    }
    auto id = l.stream.id;
    co_await ctx.db.write([&](Store& st) { return st.delete_stream(id); });
    co_return json(req, Status::ok, {{"success", true}});
}

net::awaitable<Response> transition(ApiContext& ctx, Request& req, LifecycleAction action) {
    auto l = co_await load(ctx, req, true);
    auto plan = plan_transition(l.stream.status, action);
    if (!plan) {
        throw wrong_state("a " + std::string(store::to_string(l.stream.status)) +
                          " stream cannot start again; create a new stream");
    }
    if (!plan->changes) co_return json(req, Status::ok, stream_out(ctx, l.stream));
    auto now = ctx.clock.now();
    store::StreamPatch patch;
    patch.status = plan->to;
    if (action == LifecycleAction::start) {
        patch.started_at = now;
        patch.hls_manifest_url = ctx.hls_manifest_url(l.stream.id);
    } else {
        patch.ended_at = now;
    }
    bool applied = true;
    auto id = l.stream.id;
    std::vector<store::StreamStatus> expected{l.stream.status};
    // The final counters in the answer include the reactions still waiting to be stored.
    if (action == LifecycleAction::end && ctx.realtime) co_await ctx.realtime->flush();
    auto s = co_await ctx.db.write(
        [&](Store& st) { return st.update_stream(id, patch, now, expected, &applied); });
    if (!s) throw not_found("no stream " + id);
    if (!applied) throw wrong_state("the stream changed state meanwhile; retry");
    if (action == LifecycleAction::end && ctx.end_live) ctx.end_live(id);
    if (ctx.realtime) ctx.realtime->stream_status_changed(id, s->status);
    co_return json(req, Status::ok, stream_out(ctx, *s));
}

net::awaitable<Response> start_stream(ApiContext& ctx, Request& req) {
    return transition(ctx, req, LifecycleAction::start);
}
net::awaitable<Response> end_stream(ApiContext& ctx, Request& req) {
    return transition(ctx, req, LifecycleAction::end);
}

net::awaitable<Response> regenerate_key(ApiContext& ctx, Request& req) {
    auto l = co_await load(ctx, req, true);
    store::StreamPatch patch;
    const auto key = util::new_secret();
    patch.stream_key_hash = auth::hash_token(key);
    auto id = l.stream.id;
    auto now = ctx.clock.now();
    auto s = co_await ctx.db.write(
        [&](Store& st) { return st.update_stream(id, patch, now, {}, nullptr); });
    if (!s) throw not_found("no stream " + id);
    co_return json(req, Status::ok, stream_with_key(ctx, *s, key));
}

// The broadcaster's view of a stream's media (issue 5: the transcoder's health; docs/api.md).
net::awaitable<Response> stream_health(ApiContext& ctx, Request& req) {
    auto l = co_await load(ctx, req, true);
    nlohmann::json out = {{"streamId", l.stream.id},
                          {"status", store::to_string(l.stream.status)},
                          {"publishing", false},
                          {"renditions", nlohmann::json::array()},
                          {"transcode", nullptr}};
    if (ctx.media_health) out.update(ctx.media_health(l.stream.id));
    co_return json(req, Status::ok, out);
}

// What was recorded of a stream (issue 16), for whoever may see the stream.
net::awaitable<Response> stream_recording(ApiContext& ctx, Request& req) {
    auto l = co_await load(ctx, req, false);
    nlohmann::json info = ctx.recording ? ctx.recording(l.stream.id) : nlohmann::json(nullptr);
    if (info.is_null()) throw not_found("stream " + l.stream.id + " has no recording");
    info["streamId"] = l.stream.id;
    info["playlistUrl"] = ctx.hls_manifest_url(l.stream.id);
    const bool mp4 = info.value("mp4", false);
    info.erase("mp4");
    info["mp4Url"] =
        mp4 ? nlohmann::json(ctx.public_url + "/api/streams/" + l.stream.id + "/recording.mp4")
            : nlohmann::json(nullptr);
    co_return json(req, Status::ok, info);
}

// The recording as one MP4 file, with Range (RFC 9110 §14) so that players seek and downloads
// resume; `?download=1` asks the browser to save it.
net::awaitable<Response> recording_mp4(ApiContext& ctx, Request& req) {
    auto l = co_await load(ctx, req, false);
    std::string path = ctx.recording_download ? ctx.recording_download(l.stream.id) : "";
    if (path.empty()) throw not_found("stream " + l.stream.id + " has no MP4 recording (yet)");
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw not_found("stream " + l.stream.id + " has no MP4 recording (yet)");
    auto file = std::make_shared<const http::FileHandle>(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw not_found("stream " + l.stream.id + " has no MP4 recording");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    http::ByteRange range{0, size};
    auto check = http::parse_byte_range(req.header(http::bhttp::field::range), size, range);
    Response res{check == http::RangeCheck::partial ? Status::partial_content : Status::ok,
                 req.raw.version()};
    res.set(http::bhttp::field::accept_ranges, "bytes");
    res.set(http::bhttp::field::cache_control, "private, no-cache");
    res.keep_alive(req.raw.keep_alive());
    if (check == http::RangeCheck::unsatisfiable) {
        res.result(Status::range_not_satisfiable);
        res.set(http::bhttp::field::content_range, "bytes */" + std::to_string(size));
        res.content_length(0);
        co_return res;
    }
    res.set(http::bhttp::field::content_type, "video/mp4");
    if (req.query_param("download")) {
        res.set(http::bhttp::field::content_disposition,
                "attachment; filename=\"stream-" + l.stream.id + ".mp4\"");
    }
    if (check == http::RangeCheck::partial) {
        res.set(http::bhttp::field::content_range,
                "bytes " + std::to_string(range.first) + "-" +
                    std::to_string(range.first + range.length - 1) + "/" + std::to_string(size));
    }
    res.body().send_file(std::move(file), range.first, range.length);
    res.content_length(range.length);
    co_return res;
}

// Takedown: the recording's files go at once, and with them every replay URL.
net::awaitable<Response> delete_recording(ApiContext& ctx, Request& req) {
    auto l = co_await load(ctx, req, true);
    nlohmann::json info = ctx.recording ? ctx.recording(l.stream.id) : nlohmann::json(nullptr);
    if (info.is_null()) throw not_found("stream " + l.stream.id + " has no recording");
    if (!ctx.delete_recording || !ctx.delete_recording(l.stream.id))
        throw wrong_state("the stream is being recorded now; end it first");
    co_return json(req, Status::ok, nlohmann::json{{"success", true}});
}

// A clip (issue 16): at most two minutes of the recording, during the stream or after it,
// by whoever may see the stream and is signed in.
net::awaitable<Response> create_clip(ApiContext& ctx, Request& req) {
    auto l = co_await load(ctx, req, false);
    if (!l.who) throw unauthorized("authentication required");
    require_json_content(req);
    auto body = parse_object(req.raw.body());
    Fields f(body);
    f.only({"fromMs", "toMs", "title"});
    auto from = optional_int_field(body, "fromMs");
    auto to = optional_int_field(body, "toMs");
    if (!from || *from < 0)
        throw bad_request("fromMs: milliseconds from the stream's start, >= 0", "fromMs");
    if (!to || *to <= *from) throw bad_request("toMs: after fromMs", "toMs");
    if (*to - *from > 120'000) throw bad_request("a clip lasts at most 2 minutes", "toMs");
    auto title = f.text("title", {1, 200});
    if (!ctx.create_clip) throw not_found("stream " + l.stream.id + " has no recording");
    std::string why;
    auto clip = ctx.create_clip(l.stream.id, *from, *to, title, l.who->user_id, &why);
    if (clip.is_null()) throw bad_request(why, "fromMs");
    clip["playlistUrl"] = ctx.public_url + "/hls/" + l.stream.id + "/clips/" +
                          clip["id"].get<std::string>() + "/master.m3u8";
    // The chat of the clip's seconds (the first 500 messages), for a replay of it.
    const std::int64_t cut_from = clip["fromMs"].get<std::int64_t>();
    const std::int64_t cut_to = clip["toMs"].get<std::int64_t>();
    auto chat = co_await detail::chat_at(ctx, l.stream.id, cut_from, cut_to, 500);
    clip["chat"] = std::move(chat);
    co_return json(req, Status::created, clip);
}

net::awaitable<Response> list_clips(ApiContext& ctx, Request& req) {
    auto l = co_await load(ctx, req, false);
    nlohmann::json clips = ctx.list_clips ? ctx.list_clips(l.stream.id) : nlohmann::json::array();
    for (auto& c : clips) {
        c["playlistUrl"] = ctx.public_url + "/hls/" + l.stream.id + "/clips/" +
                           c["id"].get<std::string>() + "/master.m3u8";
    }
    co_return json(req, Status::ok, clips);
}

// Who watches now (signed-in viewers; anonymous ones are only counted). A broadcaster may hide
// the list (hideViewerList): then only they, admins and moderators see it.
net::awaitable<Response> current_viewers(ApiContext& ctx, Request& req) {
    auto l = co_await load(ctx, req, false);
    // The room's moderators (docs/api.md): global moderators and the channel's, too.
    bool moderator = l.who && l.who->role == store::Role::moderator;
    if (l.stream.hide_viewer_list && l.who && !l.manages && !moderator) {
        const auto channel = l.stream.channel_id;
        const auto user = l.who->user_id;
        moderator = co_await ctx.db.read([&](Store& st) {
            return st.has_channel_relation(Store::Relation::moderator, channel, user);
        });
    }
    if (l.stream.hide_viewer_list && !l.manages && !moderator) {
        throw HttpError{Status::forbidden, "viewer_list_hidden",
                        "the broadcaster hides who watches this stream"};
    }
    auto limit = query_int(req, "limit", 100, 1, kMaxPageSize);
    auto offset = query_int(req, "offset", 0, 0, kMaxOffset);
    auto id = l.stream.id;
    auto rows =
        co_await ctx.db.read([&](Store& st) { return st.current_viewers(id, limit, offset); });
    auto out = nlohmann::json::array();
    for (const auto& v : rows) {
        out.push_back(
            {{"userId", v.user_id.value_or("")}, {"joinedAt", util::format_iso8601(v.joined_at)}});
    }
    co_return json(req, Status::ok, out);
}

net::awaitable<Response> list_streams(ApiContext& ctx, Request& req) {
    auto who = co_await authenticate(ctx, req);
    store::StreamFilter f;
    if (auto status = req.query_param("status")) {
        auto parsed = store::parse_stream_status(*status);
        if (!parsed) {
            throw bad_request("status must be one of scheduled, preparing, live, ended, cancelled",
                              "status");
        }
        f.status = parsed;
    }
    f.limit = query_int(req, "limit", 20, 1, kMaxPageSize);
    f.offset = query_int(req, "offset", 0, 0, kMaxOffset);
    if (who) {
        f.viewer_id = who->user_id;
        f.include_all_private = who->is_admin();
    }
    auto rows = co_await ctx.db.read([&](Store& st) { return st.list_streams(f); });
    co_return json(req, Status::ok, list_json(ctx, rows));
}

net::awaitable<Response> live_streams(ApiContext& ctx, Request& req) {
    co_await authenticate(ctx, req);  // public, but a bad token is still a 401
    auto limit = query_int(req, "limit", 20, 1, kMaxPageSize);
    auto offset = query_int(req, "offset", 0, 0, kMaxOffset);
    auto rows = co_await ctx.db.read([&](Store& st) { return st.live_streams(limit, offset); });
    auto out = nlohmann::json::array();
    for (const auto& r : rows) {
        auto j = stream_out(ctx, r.stream);
        j["currentViewers"] = r.current_viewers;
        out.push_back(std::move(j));
    }
    co_return json(req, Status::ok, out);
}

net::awaitable<Response> top_streams(ApiContext& ctx, Request& req) {
    co_await authenticate(ctx, req);  // public, but a bad token is still a 401
    auto limit = query_int(req, "limit", 100, 1, 100);
    auto rows = co_await ctx.db.read([&](Store& st) { return st.top_streams(limit); });
    co_return json(req, Status::ok, list_json(ctx, rows));
}

net::awaitable<Response> change_access(ApiContext& ctx, Request& req, bool grant) {
    auto l = co_await load(ctx, req, true);
    auto user = std::string(req.param("userId"));
    if (!util::is_uuid(user)) throw bad_request("userId must be a UUID", "userId");
    auto id = l.stream.id;
    auto now = ctx.clock.now();
    co_await ctx.db.write([&](Store& st) {
        if (grant) {
            st.grant_stream_access(id, user, now);
        } else {
            st.revoke_stream_access(id, user);
        }
    });
    // Their chat connections and WHEP sessions of it end now (on every node, through the
    // room's bus); their HLS within the playback token's lifetime, which is not renewed.
    if (!grant && l.stream.is_private && ctx.realtime) ctx.realtime->access_revoked(id, user);
    co_return json(req, Status::ok, {{"success", true}});
}

net::awaitable<Response> grant_access(ApiContext& ctx, Request& req) {
    return change_access(ctx, req, true);
}
net::awaitable<Response> revoke_access(ApiContext& ctx, Request& req) {
    return change_access(ctx, req, false);
}

}  // namespace

void add_stream_routes(http::Router& r, ApiContext& ctx) {
    r.add(Verb::post, "/api/streams/create", handler(ctx, create_stream));
    r.add(Verb::post, "/api/streams", handler(ctx, create_stream));
    r.add(Verb::get, "/api/streams", handler(ctx, list_streams));
    r.add(Verb::get, "/api/streams/live", handler(ctx, live_streams));
    r.add(Verb::get, "/api/streams/top", handler(ctx, top_streams));
    r.add(Verb::get, "/api/streams/{id}", handler(ctx, get_stream));
    r.add(Verb::patch, "/api/streams/{id}", handler(ctx, patch_stream));
    r.add(Verb::delete_, "/api/streams/{id}", handler(ctx, delete_stream));
    r.add(Verb::post, "/api/streams/{id}/start", handler(ctx, start_stream));
    r.add(Verb::post, "/api/streams/{id}/end", handler(ctx, end_stream));
    r.add(Verb::post, "/api/streams/{id}/key", handler(ctx, regenerate_key));
    r.add(Verb::get, "/api/streams/{id}/health", handler(ctx, stream_health));
    r.add(Verb::get, "/api/streams/{id}/recording", handler(ctx, stream_recording));
    r.add(Verb::delete_, "/api/streams/{id}/recording", handler(ctx, delete_recording));
    r.add(Verb::get, "/api/streams/{id}/recording.mp4", handler(ctx, recording_mp4));
    r.add(Verb::post, "/api/streams/{id}/clips", handler(ctx, create_clip));
    r.add(Verb::get, "/api/streams/{id}/thumbnail.jpg", handler(ctx, stream_thumbnail));
    r.add(Verb::get, "/api/streams/{id}/clips", handler(ctx, list_clips));
    r.add(Verb::get, "/api/streams/{id}/viewers", handler(ctx, current_viewers));
    r.add(Verb::put, "/api/streams/{id}/access/{userId}", handler(ctx, grant_access));
    r.add(Verb::delete_, "/api/streams/{id}/access/{userId}", handler(ctx, revoke_access));
}

}  // namespace nchat::api
