#include "play/whep/server.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/signaling.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"
#include "util/run_on.hpp"
#include "webrtc/certificate.hpp"
#include "webrtc/transport.hpp"

namespace nchat::play::whep {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using http::Request;
using http::Response;
using Status = bhttp::status;
using namespace std::chrono_literals;

namespace {

auto log() {
    return util::logger("whep");
}

constexpr std::string_view kCollection = "/api/whep";
// How long a first viewer waits for the stream's tracks to reach a new feed.
constexpr auto kTracksWait = 3s;

http::HttpError not_live(std::string message, int retry_after) {
    auto e = http::open_error(Status::conflict, "not_live", std::move(message));
    e.headers.emplace_back("Retry-After", std::to_string(retry_after));
    return e;
}

std::string etag_of(const std::string& id) {
    return "\"" + id + "\"";
}

// The offer's H.264 format with packetization-mode 1 and the source's profile, if it offers
// one: a decoder told Baseline may refuse a High stream (protocols.md §9).
std::optional<webrtc::RtpCodec> h264_for(const webrtc::MediaSection& m, std::uint8_t profile_idc) {
    for (const auto& c : m.codecs) {
        if (c.name != "H264" && c.name != "h264") continue;
        auto p = webrtc::parse_h264_fmtp(c.fmtp);
        if (p && p->packetization_mode == 1 && p->profile_idc == profile_idc) return c;
    }
    return std::nullopt;
}

}  // namespace

Server::Server(webrtc::UdpServer& udp,
               const webrtc::DtlsContext& dtls,
               live::Registry& streams,
               ServerOptions opts)
    : udp_(udp), dtls_(dtls), streams_(streams), opts_(std::move(opts)) {
    net::post(udp_.strand(), [this] {
        stats_timer_.emplace(udp_.strand());
        arm_stats();
    });
}

Server::~Server() = default;

void Server::add_routes(http::Router& router) {
    const std::string collection = std::string(kCollection) + "/{streamId}";
    const std::string one = collection + "/{session}";
    router.add(bhttp::verb::post, collection, [this](Request& r) { return post(r); });
    router.add(bhttp::verb::options, collection, [](Request& r) -> net::awaitable<Response> {
        co_return http::open_preflight(r, "POST, OPTIONS", true);
    });
    router.add(bhttp::verb::delete_, one, [this](Request& r) { return remove(r); });
    router.add(bhttp::verb::patch, one, [this](Request& r) { return patch(r); });
    router.add(bhttp::verb::options, one, [](Request& r) -> net::awaitable<Response> {
        co_return http::open_preflight(r, "DELETE, PATCH, OPTIONS", false);
    });
}

namespace {

std::string feed_key(const std::string& stream_id, const std::string& rendition) {
    return rendition == "source" ? stream_id : stream_id + "/" + rendition;
}

}  // namespace

std::shared_ptr<Feed> Server::feed_for(const std::string& stream_id,
                                       const std::string& rendition,
                                       const std::shared_ptr<live::LiveStream>& stream) {
    auto& slot = feeds_[feed_key(stream_id, rendition)];
    if (!slot || slot->ended()) {
        slot = std::make_shared<Feed>(stream_id, rendition, stream, udp_);
        stream->add_consumer(slot);
    }
    return slot;
}

net::awaitable<std::shared_ptr<Feed>> Server::ready_feed(
    const std::string& stream_id,
    const std::string& rendition,
    const std::shared_ptr<live::LiveStream>& stream) {
    auto feed = co_await util::run_on(udp_.strand(),
                                      [&] { return feed_for(stream_id, rendition, stream); });
    // A feed made just now learns the tracks, then the GOP, from the stream's strand in a
    // moment: a few video packets tell whether the source has B-frames.
    net::steady_timer wait(co_await net::this_coro::executor);
    for (auto waited = 0ms; waited < kTracksWait; waited += 20ms) {
        auto info = feed->info();
        if (info && (!info->video || feed->video_seen() >= 3 || waited >= 500ms)) break;
        wait.expires_after(20ms);
        co_await wait.async_wait(net::use_awaitable);
    }
    co_return feed;
}

net::awaitable<Response> Server::post(Request& req) {
    const std::string stream_id(req.param("streamId"));
    if (!http::has_content_type(req, "application/sdp"))
        throw http::open_error(Status::unsupported_media_type, "unsupported_media_type",
                               "a WHEP offer is sent as application/sdp", "Content-Type");
    std::string user_id;
    if (opts_.may_play) {
        std::optional<std::string> token;
        if (auto t = req.query_param("token")) {
            token = std::string(*t);
        } else if (auto h = req.raw[http::bhttp::field::authorization]; h.starts_with("Bearer ")) {
            token = std::string(h.substr(7));
        }
        auto user = co_await opts_.may_play(stream_id, std::move(token));
        if (!user) {
            throw http::open_error(Status::forbidden, "forbidden",
                                   "a private stream: a valid playback token is needed", "token");
        }
        user_id = std::move(*user);
    }
    auto stream = streams_.find(stream_id);
    if (!stream || stream->ended()) {
        if (auto url = opts_.elsewhere ? opts_.elsewhere(stream_id) : std::nullopt) {
            auto res = http::open_empty(req, Status::temporary_redirect);
            res.set(http::bhttp::field::location, *url + std::string(req.raw.target()));
            co_return res;
        }
        throw not_live("this stream is not live", 5);
    }
    auto parsed = webrtc::parse_sdp(req.raw.body());
    if (auto* e = std::get_if<webrtc::SdpError>(&parsed))
        throw http::open_error(Status::bad_request, "invalid_sdp", "the SDP offer: " + e->what,
                               "sdp");
    const auto& offer = std::get<webrtc::SessionDescription>(parsed);
    auto negotiated = webrtc::negotiate(offer, webrtc::OfferUse::play);
    if (auto* e = std::get_if<webrtc::SdpError>(&negotiated))
        throw http::open_error(Status::bad_request, "invalid_sdp", "the SDP offer: " + e->what,
                               "sdp");
    auto& n = std::get<webrtc::Negotiated>(negotiated);

    // The source, unless the viewer asks for a rendition of the ladder (?rendition=360p: a phone
    // on a weak link) or the source has B-frames (OBS's default), which browsers' WebRTC
    // decoders show only at keyframes: then the best encoded rung, which has none.
    const auto asked = req.query_param("rendition");
    std::shared_ptr<Feed> feed;
    if (asked && *asked != "source") {
        auto r = opts_.rendition ? opts_.rendition(stream_id, *asked) : nullptr;
        if (!r)
            throw http::open_error(Status::not_found, "not_found",
                                   "this stream has no rendition " + *asked, "rendition");
        feed = co_await ready_feed(stream_id, *asked, r);
    } else {
        feed = co_await ready_feed(stream_id, "source", stream);
        if (!asked && feed->has_bframes() && opts_.rendition) {
            if (auto r = opts_.rendition(stream_id, "")) {
                const auto name = r->id().substr(r->id().rfind('/') + 1);
                feed = co_await ready_feed(stream_id, name, r);
                // The source's feed was made only to look: drop it unless others watch it.
                co_await util::run_on(udp_.strand(), [&] {
                    drop_if_unwatched(stream_id);
                    return true;
                });
            }
        }
    }
    std::optional<FeedInfo> info = feed->info();
    if (!info || (!info->video && !info->audio)) throw not_live("the stream has no media yet", 1);

    // What this stream can send, under the offer's payload types.
    Viewer::Media media;
    std::vector<std::optional<webrtc::LocalSsrc>> ssrcs;
    for (std::size_t i = 0; i < n.media.size(); ++i) {
        auto& c = n.media[i];
        ssrcs.emplace_back();
        if (!c.accepted) continue;
        if (c.kind == "video" && info->video && !media.video && c.codec.name != "VP8") {
            const auto& avcc = info->video->extradata;
            if (avcc.size() > 1)
                if (auto exact = h264_for(offer.media[i], avcc[1])) c.codec = *exact;
            media.video = true;
            media.video_pt = c.codec.pt;
            ssrcs.back() = webrtc::LocalSsrc{info->video_ssrc, info->cname, stream_id, "video"};
        } else if (c.kind == "audio" && info->audio && !media.audio) {
            media.audio = true;
            media.audio_pt = c.codec.pt;
            ssrcs.back() = webrtc::LocalSsrc{info->audio_ssrc, info->cname, stream_id, "audio"};
        } else {
            c.accepted = false;  // nothing of this kind to send (or VP8 only): port 0
        }
    }
    if (!media.video && !media.audio)
        throw http::open_error(Status::bad_request, "invalid_sdp",
                               "the offer accepts none of what this stream sends (H.264 video, "
                               "Opus audio)",
                               "sdp");

    const std::string id = util::new_uuid();
    std::string answer;
    bool full = false;
    std::uint64_t connection = 0;
    co_await net::co_spawn(
        udp_.strand(),
        [&]() -> net::awaitable<void> {
            if (sessions_.size() >= opts_.max_viewers || stopped_) {
                full = true;
                co_return;
            }
            static std::uint64_t next_connection = 0;
            connection = (std::uint64_t{1} << 62) | ++next_connection;
            auto viewer = std::make_shared<Viewer>(
                id, feed, media, [this](const std::string& sid, std::string_view) {
                    net::post(udp_.strand(), [this, sid] { ended(sid); });
                });
            auto transport = std::make_shared<webrtc::Transport>(
                udp_, dtls_, webrtc::IceCredentials::generate(),
                webrtc::Transport::Remote{n.remote_ufrag, n.remote_pwd, n.remote_fingerprint},
                viewer);
            udp_.add(transport);
            transport->start();
            viewer->start(transport, udp_.strand());
            webrtc::LocalDescription local;
            local.ice_ufrag = transport->local().ufrag;
            local.ice_pwd = transport->local().pwd;
            local.fingerprint_sha256 = dtls_.certificate().fingerprint();
            local.candidates = opts_.candidates;
            local.session_id = connection;
            local.ssrcs = ssrcs;
            answer = webrtc::build_answer(offer, n, local);
            sessions_[id] = Entry{std::move(viewer), stream_id,
                                  feed_key(stream_id, feed->rendition()), connection, user_id};
            co_return;
        },
        net::use_awaitable);
    if (full)
        throw http::open_error(Status::service_unavailable, "unavailable",
                               "this server has as many WebRTC viewers as it takes");
    if (opts_.viewer_joined) opts_.viewer_joined(stream_id, connection);
    log()->info("stream={} session={} WHEP viewer from {}", stream_id, id, req.peer);

    Response res{Status::created, req.raw.version()};
    res.keep_alive(req.raw.keep_alive());
    res.set(bhttp::field::content_type, "application/sdp");
    res.set(bhttp::field::location, std::string(kCollection) + "/" + stream_id + "/" + id);
    res.set(bhttp::field::etag, etag_of(id));
    http::open_cors(res);
    res.body().assign(std::move(answer));
    res.prepare_payload();
    co_return res;
}

void Server::ended(const std::string& session_id) {
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) return;
    const auto e = std::move(it->second);
    sessions_.erase(it);
    if (opts_.viewer_left) opts_.viewer_left(e.stream_id, e.connection);
    drop_if_unwatched(e.feed);
}

void Server::drop_if_unwatched(const std::string& key) {
    for (const auto& [id, other] : sessions_)
        if (other.feed == key) return;
    // The feed's last viewer left: it stops packetizing.
    auto f = feeds_.find(key);
    if (f == feeds_.end()) return;
    f->second->detach();
    feeds_.erase(f);
}

net::awaitable<Response> Server::remove(Request& req) {
    const std::string id(req.param("session"));
    const std::string stream_id(req.param("streamId"));
    const bool found = co_await util::run_on(udp_.strand(), [&] {
        auto it = sessions_.find(id);
        if (it == sessions_.end() || it->second.stream_id != stream_id) return false;
        auto viewer = it->second.viewer;
        viewer->stop("the viewer ended it (WHEP DELETE)");
        ended(id);
        return true;
    });
    if (!found) throw http::open_error(Status::not_found, "not_found", "no such WHEP session");
    co_return http::open_empty(req, Status::ok);
}

void Server::end_viewer(const std::string& stream_id, const std::string& user_id) {
    if (user_id.empty()) return;
    net::post(udp_.strand(), [this, stream_id, user_id] {
        std::vector<std::string> ending;
        for (const auto& [id, e] : sessions_)
            if (e.stream_id == stream_id && e.user_id == user_id) ending.push_back(id);
        for (const auto& id : ending) {
            sessions_.at(id).viewer->stop("the viewer's access to the stream was revoked");
            ended(id);
        }
    });
}

net::awaitable<Response> Server::patch(Request& req) {
    const std::string id(req.param("session"));
    const std::string stream_id(req.param("streamId"));
    const bool found = co_await util::run_on(udp_.strand(), [&] {
        auto it = sessions_.find(id);
        return it != sessions_.end() && it->second.stream_id == stream_id;
    });
    if (!found) throw http::open_error(Status::not_found, "not_found", "no such WHEP session");
    http::check_trickle_patch(req, etag_of(id));
    co_return http::open_empty(req, Status::no_content);
}

void Server::arm_stats() {
    stats_timer_->expires_after(1s);
    stats_timer_->async_wait([this](boost::system::error_code ec) {
        if (ec || stopped_) return;
        refresh_stats();
        arm_stats();
    });
}

void Server::refresh_stats() {
    std::map<std::string, StreamPlayback> fresh;
    for (const auto& [key, f] : feeds_) {
        auto& s = fresh[f->stream_id()];
        s.sending.push_back(f->rendition());
        s.viewers += f->viewers();
        const auto fs = f->stats();
        s.frames += fs.frames;
        s.packets += fs.packets;
        s.keyframe_requests += fs.keyframe_requests;
        s.frames_dropped += fs.dropped_video_frames + fs.dropped_audio_frames;
        s.max_queued_frames = std::max(s.max_queued_frames, fs.max_queued_frames);
        s.skipped_audio += f->skipped_audio();
    }
    for (const auto& [id, e] : sessions_)
        fresh[e.stream_id].sessions.push_back(e.viewer->stats());
    std::lock_guard lock(stats_mutex_);
    stats_ = std::move(fresh);
}

std::optional<StreamPlayback> Server::stats(const std::string& stream_id) const {
    std::lock_guard lock(stats_mutex_);
    auto it = stats_.find(stream_id);
    if (it == stats_.end()) return std::nullopt;
    return it->second;
}

void Server::stop() {
    net::post(udp_.strand(), [this] {
        stopped_ = true;
        if (stats_timer_) stats_timer_->cancel();
        auto all = std::move(sessions_);
        sessions_.clear();
        for (auto& [id, e] : all) {
            e.viewer->stop("the server is stopping");
            if (opts_.viewer_left) opts_.viewer_left(e.stream_id, e.connection);
        }
        for (auto& [key, f] : feeds_)
            f->detach();
        feeds_.clear();
    });
}

}  // namespace nchat::play::whep
