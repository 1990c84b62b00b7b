#include "hls/origin.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "hls/detail/blocking.hpp"
#include "hls/detail/playlist.hpp"
#include "hls/detail/resource.hpp"
#include "hls/detail/uri_query.hpp"
#include "util/run_on.hpp"

namespace nchat::hls {
namespace {

namespace net = boost::asio;
using http::Request;
using http::Response;
using Status = http::bhttp::status;
using Field = http::bhttp::field;

// How long a request for a stream with no media yet waits for its first part before 503.
constexpr std::chrono::milliseconds kFirstPartWait{6000};
// How long a media playlist request waits for the rendition's first whole segment: a long GOP
// (OBS lets keyframes be 10 s apart when every rung follows the source) makes a long first one.
constexpr std::chrono::milliseconds kFirstSegmentWait{15000};

Response make(const Request& req, Status s, std::string_view content_type, std::string_view cache) {
    Response res{s, req.raw.version()};
    res.set(Field::content_type, content_type);
    res.set(Field::cache_control, cache);
    // Any page may play our streams (the API's CORS list is for credentials-bearing calls).
    res.set(Field::access_control_allow_origin, "*");
    res.keep_alive(req.raw.keep_alive());
    return res;
}

Response text(const Request& req,
              Status s,
              std::string body,
              std::string_view content_type,
              std::string_view cache) {
    auto res = make(req, s, content_type, cache);
    res.body().assign(std::move(body));
    res.prepare_payload();
    return res;
}

Response not_found(const Request& req, std::string_view what) {
    return text(req, Status::not_found, std::string(what) + "\n", "text/plain", "no-cache");
}

Response unavailable(const Request& req, std::string_view what) {
    auto res =
        text(req, Status::service_unavailable, std::string(what) + "\n", "text/plain", "no-cache");
    res.set(Field::retry_after, "1");
    return res;
}

std::optional<std::uint64_t> query_uint(const Request& req, std::string_view key, bool& bad) {
    auto v = req.query_param(key);
    if (!v) return std::nullopt;
    std::uint64_t out = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc{} || p != v->data() + v->size()) bad = true;
    return out;
}

// Waits on the packager until `ready(rendition)` says yes, the stream ends, or `limit` passes.
// The check and the registration happen in one visit to the strand, so no wake-up is lost.
// `ready_now`, when given, is asked first on this thread (from the window as published at the
// last change): a request woken by a new part then needs no second visit to the strand.
template <class Ready, class ReadyNow = std::nullptr_t>
net::awaitable<bool> wait_until(std::shared_ptr<Packager> p,
                                std::chrono::milliseconds limit,
                                Ready ready,
                                ReadyNow ready_now = nullptr) {
    auto ex = co_await net::this_coro::executor;
    auto start = std::chrono::steady_clock::now();
    for (;;) {
        if constexpr (!std::is_same_v<ReadyNow, std::nullptr_t>) {
            if (ready_now()) co_return true;
        }
        auto timer = std::make_shared<net::steady_timer>(ex);
        auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
        if (waited >= limit) co_return false;
        timer->expires_after(limit - waited);
        bool now = co_await util::run_on(p->strand(), [&]() -> bool {
            if (ready(*p)) return true;
            if (p->ended()) return true;
            p->add_waiter([timer, ex] { net::post(ex, [timer] { timer->cancel(); }); });
            return false;
        });
        if (now) co_return true;
        boost::system::error_code ec;
        co_await timer->async_wait(net::redirect_error(net::use_awaitable, ec));
    }
}

bool has_segment(const Packager& p) {
    auto* r = p.rendition();
    return r && r->stats().segments > 0;
}

// The same, from a published window: a complete segment exists or existed.
bool published_segment(const Window* w) {
    if (w == nullptr) return false;
    return std::any_of(w->segments.begin(), w->segments.end(),
                       [](const Segment& s) { return s.complete; });
}

// The multivariant playlist is read once by a player: it waits for the first rendition's first
// complete segment (hls.js reports a playlist of parts only as levelEmptyError), then a little
// for the others (a transcoded rung starts an encoder delay later), so the ladder is listed whole
// with measured bandwidths.
net::awaitable<bool> wait_for_media(std::shared_ptr<Presentation> pres) {
    constexpr std::chrono::milliseconds kPoll{50};
    constexpr std::chrono::milliseconds kLadderWait{3000};
    auto ex = co_await net::this_coro::executor;
    net::steady_timer timer(ex);
    auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
    };
    std::shared_ptr<Packager> first;
    while (!first) {
        auto members = pres->renditions();
        if (!members.empty()) first = members.front().packager;
        if (first) break;
        if (elapsed() >= kFirstPartWait) co_return false;
        timer.expires_after(kPoll);
        co_await timer.async_wait(net::use_awaitable);
    }
    if (!co_await wait_until(first, kFirstSegmentWait - std::min(kFirstSegmentWait, elapsed()),
                             has_segment)) {
        co_return false;
    }
    auto ladder_start = elapsed();
    while (elapsed() - ladder_start < kLadderWait) {
        if (co_await util::run_on(pres->strand(), [&] { return pres->all_have_segments(); })) break;
        timer.expires_after(kPoll);
        co_await timer.async_wait(net::use_awaitable);
    }
    co_return true;
}

// Splits "a/b/c" into exactly `n` non-empty segments.
template <std::size_t N>
bool split_path(std::string_view path, std::array<std::string_view, N>& out) {
    for (std::size_t i = 0; i < N; ++i) {
        auto slash = path.find('/');
        out[i] = path.substr(0, slash);
        if (out[i].empty() || (slash == std::string_view::npos) != (i + 1 == N)) return false;
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    }
    return true;
}

constexpr std::string_view kPlaylistType = "application/vnd.apple.mpegurl";
constexpr std::string_view kMediaType = "video/mp4";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
// A playlist without _HLS_msn changes every part: never kept by the player's own cache, kept for
// a second by a shared one (an edge: deploy/nginx/), so that players reloading it without
// blocking (video.js) cost the origin one request a second, not one each.
constexpr std::string_view kPlaylistBrief = "public, max-age=0, s-maxage=1";

std::chrono::milliseconds three_target_durations(std::uint32_t td) {
    return std::chrono::milliseconds(3000 * std::max<std::uint32_t>(td, 1));
}

}  // namespace

void Origin::add(const std::string& stream_id, std::shared_ptr<Presentation> p) {
    std::lock_guard lock(mu_);
    presentations_[stream_id] = std::move(p);
}

void Origin::remove(const std::string& stream_id, const std::shared_ptr<Presentation>& p) {
    std::lock_guard lock(mu_);
    auto it = presentations_.find(stream_id);
    if (it != presentations_.end() && it->second == p) presentations_.erase(it);
}

std::shared_ptr<Presentation> Origin::find(std::string_view stream_id) const {
    std::lock_guard lock(mu_);
    auto it = presentations_.find(stream_id);
    return it == presentations_.end() ? nullptr : it->second;
}

std::shared_ptr<Presentation> Origin::live(std::string_view stream_id) const {
    auto pres = find(stream_id);
    return pres && fallback_ && pres->ended() ? nullptr : pres;
}

std::size_t Origin::size() const {
    std::lock_guard lock(mu_);
    return presentations_.size();
}

bool Origin::answer_at_once(std::string_view path,
                            std::string_view query,
                            http::FastAnswer& out) const {
    std::array<std::string_view, 3> names;  // streamId, rendition, file
    if (!path.starts_with("/hls/") || !split_path(path.substr(5), names)) return false;
    if (access_.known_public && !access_.known_public(names[0])) return false;
    auto pres = live(names[0]);
    auto p = pres ? pres->find(names[1]) : nullptr;
    if (!p) return false;
    if (names[2] == "index.m3u8") {
        // A plain or delta reload; a blocking one (_HLS_msn, _HLS_part) waits on the strand.
        if (query.find('+') != std::string_view::npos) return false;  // decoding: the Router's
        if (http::raw_query_param(query, "_HLS_msn") || http::raw_query_param(query, "_HLS_part")) {
            return false;
        }
        auto skip_value = http::raw_query_param(query, "_HLS_skip");
        bool skip = skip_value && (*skip_value == "YES" || *skip_value == "v2");
        auto body = p->ready_playlist(skip);
        if (!body) return false;
        out.content_type = kPlaylistType;
        out.cache_control = kPlaylistBrief;
        out.body.push_back(net::const_buffer(body->data(), body->size()));
        out.owner = std::move(body);
        return true;
    }
    auto res = p->ready_resource(names[2]);
    if (res.status != Resource::Status::found || res.buffers.empty()) return false;
    out.content_type = kMediaType;
    out.cache_control = kImmutable;
    for (const auto& b : res.buffers)
        out.body.push_back(net::const_buffer(b->data(), b->size()));
    if (res.buffers.size() == 1) {
        out.owner = std::move(res.buffers.front());
    } else {
        out.owner = std::make_shared<const std::vector<Buffer>>(std::move(res.buffers));
    }
    return true;
}

void Origin::add_routes(http::Router& router) {
    router.add_fast("/hls/", "/hls/{streamId}/{rendition}/{file}",
                    [this](std::string_view path, std::string_view query, http::FastAnswer& out) {
                        return answer_at_once(path, query, out);
                    });

    add_route(router, "/hls/{streamId}/master.m3u8",
              [this](Request& req) { return serve_master(req); });
    add_route(router, "/hls/{streamId}/{rendition}/{file}",
              [this](Request& req) { return serve_file(req); });
}

void Origin::add_route(http::Router& router, const std::string& pattern, http::Handler serve) {
    router.add(http::bhttp::verb::get, pattern,
               [this, serve = std::move(serve)](Request& req) { return guarded(req, serve); });
}

net::awaitable<Response> Origin::guarded(Request& req, const http::Handler& serve) {
    if (!access_.check) co_return co_await serve(req);
    // Named first: g++ 12 mishandles temporaries inside a co_await expression
    // (docs/architecture.md, Pitfalls).
    std::string id(req.param("streamId"));
    std::optional<std::string> token;
    if (auto t = req.query_param("token")) token = std::string(*t);
    auto decision = co_await access_.check(std::move(id), std::move(token));
    if (!decision.allowed) {
        co_return text(req, Status::forbidden,
                       "a private stream: a valid playback token is needed (?token=)\n",
                       "text/plain", "no-store");
    }
    auto res = co_await serve(req);
    if (decision.token.empty()) co_return res;
    // Private: every URI the player follows carries the token, and no shared cache keeps it
    // for another user.
    bool playlist = res.result() == Status::ok &&
                    res[Field::content_type].starts_with("application/vnd.apple.mpegurl");
    if (playlist) {
        std::string body;
        for (const auto& b : res.body().buffers())
            body.append(static_cast<const char*>(b.data()), b.size());
        res.body().assign(add_query_to_uris(body, "token=" + decision.token));
        res.set(Field::cache_control, "private, no-cache");
        res.prepare_payload();
    } else if (res.result() == Status::ok) {
        res.set(Field::cache_control, "private, max-age=3600");
    }
    co_return res;
}

std::vector<std::string> Origin::live_ids() const {
    std::vector<std::string> out;
    std::lock_guard lock(mu_);
    for (const auto& [id, p] : presentations_)
        if (!p->ended()) out.push_back(id);
    return out;
}

std::optional<Response> Origin::redirect_elsewhere(const Request& req,
                                                   std::string_view stream_id) const {
    if (!elsewhere_) return std::nullopt;
    auto url = elsewhere_(std::string(stream_id));
    if (!url) return std::nullopt;
    auto res = make(req, Status::temporary_redirect, "text/plain", "no-cache");
    res.set(Field::location, *url + std::string(req.raw.target()));
    res.body().assign("live on another node\n");
    res.prepare_payload();
    return res;
}

net::awaitable<Response> Origin::serve_master(Request& req) {
    auto pres = live(req.param("streamId"));
    if (!pres) {
        if (auto r = redirect_elsewhere(req, req.param("streamId"))) co_return std::move(*r);
    }
    if (!pres && fallback_) {
        if (auto r = fallback_(req, req.param("streamId"), "", "master.m3u8"))
            co_return std::move(*r);
        pres = find(req.param("streamId"));  // ended, not recorded: its last window
    }
    if (!pres) co_return not_found(req, "no live stream here");
    if (!co_await wait_for_media(pres)) {
        co_return unavailable(req, "the stream has not sent media yet");
    }
    auto body = co_await util::run_on(pres->strand(),
                                      [&]() -> std::string { return pres->master_playlist(); });
    if (body.empty()) co_return unavailable(req, "the stream has no media");
    co_return text(req, Status::ok, std::move(body), kPlaylistType, kPlaylistBrief);
}

net::awaitable<Response> Origin::serve_file(Request& req) {
    auto pres = live(req.param("streamId"));
    if (!pres) {
        if (auto r = redirect_elsewhere(req, req.param("streamId"))) co_return std::move(*r);
    }
    if (!pres && fallback_) {
        if (auto r =
                fallback_(req, req.param("streamId"), req.param("rendition"), req.param("file"))) {
            co_return std::move(*r);
        }
        pres = find(req.param("streamId"));
    }
    auto p = pres ? pres->find(req.param("rendition")) : nullptr;
    if (!p) co_return not_found(req, "no such rendition");
    auto file = std::string(req.param("file"));
    if (file == "index.m3u8") {
        bool bad = false;
        BlockingRequest br;
        br.msn = query_uint(req, "_HLS_msn", bad);
        if (auto part = query_uint(req, "_HLS_part", bad)) {
            br.part = static_cast<std::uint32_t>(std::min<std::uint64_t>(*part, 1u << 30));
        }
        auto skip = req.query_param("_HLS_skip");
        if (bad) {
            co_return text(req, Status::bad_request, "bad _HLS_msn or _HLS_part\n", "text/plain",
                           "no-cache");
        }
        bool skip_update = skip && (*skip == "YES" || *skip == "v2");
        std::string cache{kPlaylistBrief};
        auto serve = [&](std::shared_ptr<const std::string> body) {
            auto out = make(req, Status::ok, kPlaylistType, cache);
            out.body().share(body, net::const_buffer(body->data(), body->size()));
            out.prepare_payload();
            return out;
        };
        if (!br.msn && !br.part) {
            // The common case, with no strand visit: the rendering still current.
            if (auto ready = p->ready_playlist(skip_update)) {
                co_return serve(std::move(ready));
            }
            // Else in one visit to the strand, which renders it when it is stale. A
            // playlist is served once it lists a whole segment: parts alone made hls.js
            // report levelEmptyError and Shaka HLS_EMPTY_MEDIA_PLAYLIST (a rendition
            // that starts late or is shed before its first segment).
            auto body = co_await util::run_on(p->strand(), [&]() {
                return has_segment(*p) ? pres->playlist(*p, skip_update) : nullptr;
            });
            if (body) co_return serve(std::move(body));
        }
        // Usually decided here, from the window as published at the last change; the
        // strand only registers the wait.
        // (No co_await inside && or ||: g++ 12 fails on it.)
        bool media = published_segment(p->published_window().get());
        if (!media) media = co_await wait_until(p, kFirstSegmentWait, has_segment);
        if (!media) co_return unavailable(req, "the stream has not sent media yet");
        auto start = std::chrono::steady_clock::now();
        BlockingDecision decision = BlockingDecision::ready;
        std::uint32_t td = 1;
        auto decide = [&](const Window& w) {
            td = w.target_duration;
            decision = decide_blocking_reload(br, w,
                                              std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::steady_clock::now() - start));
            return decision != BlockingDecision::wait;
        };
        auto decide_now = [&] {
            auto w = p->published_window();
            return w && decide(*w);
        };
        // Held at most 3×TD (§6.2.5.2), then 503.
        bool answered = decide_now();
        if (!answered) {
            answered = co_await wait_until(
                p, three_target_durations(td),
                [&](const Packager& pk) { return decide(pk.rendition()->window()); }, decide_now);
        }
        if (!answered) decision = BlockingDecision::unavailable;
        if (decision == BlockingDecision::bad_request) {
            co_return text(req, Status::bad_request,
                           "_HLS_msn/_HLS_part too far ahead or _HLS_part alone\n", "text/plain",
                           "no-cache");
        }
        if (decision != BlockingDecision::ready) {
            co_return unavailable(req, "the requested part did not arrive in time");
        }
        auto body = p->ready_playlist(skip_update);
        if (!body) {
            body = co_await util::run_on(p->strand(),
                                         [&]() { return pres->playlist(*p, skip_update); });
        }
        if (!body) co_return unavailable(req, "the stream has no media");
        // A blocking request has a unique URL: an edge cache may keep it (rfc8216bis App.
        // B, 6 × TD) and answer the next players from it. Not the player's own cache:
        // video.js asks the same URL again when it wants a fresher playlist and, served
        // from its browser's cache, froze for those 12 s (docs/hls.md).
        if (br.msn) cache = "public, max-age=0, s-maxage=" + std::to_string(6 * td);
        co_return serve(std::move(body));
    }

    // Usually one visit to the strand; a hinted part is held until it exists (§6.2.6).
    auto res = co_await util::run_on(p->strand(), [&]() {
        return p->rendition() ? find_resource(p->rendition()->window(), file) : Resource{};
    });
    if (res.status == Resource::Status::hinted) {
        co_await wait_until(p, std::chrono::seconds(10), [&](const Packager& pk) {
            res = pk.rendition() ? find_resource(pk.rendition()->window(), file) : Resource{};
            return res.status != Resource::Status::hinted;
        });
    }
    if (res.status != Resource::Status::found || res.buffers.empty()) {
        co_return not_found(req, "no such part or segment (gone, or not yet)");
    }
    auto out = make(req, Status::ok, kMediaType, kImmutable);
    // Parts, and the parts of a segment, go out as they are held: no copy.
    for (const auto& b : res.buffers) {
        out.body().append_shared(b, net::const_buffer(b->data(), b->size()));
    }
    out.prepare_payload();
    co_return out;
}

}  // namespace nchat::hls
