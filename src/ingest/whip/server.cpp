#include "ingest/whip/server.hpp"

#include <atomic>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/signaling.hpp"
#include "util/crypto.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"
#include "util/run_on.hpp"
#include "webrtc/certificate.hpp"
#include "webrtc/transport.hpp"

namespace nchat::ingest::whip {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using http::HttpError;
using http::Request;
using http::Response;
using Status = bhttp::status;

namespace {

auto log() {
    return util::logger("whip");
}

constexpr std::string_view kCollection = "/api/whip";

std::string etag_of(const std::string& id) {
    return "\"" + id + "\"";
}

// An HTTP status for each refusal (RFC 9725 §4.2 leaves the choice to the server): a key that
// is not a stream's is 401; a stream that cannot take this publisher is 409 (Conflict).
Status status_of(RefusalReason r) {
    switch (r) {
        case RefusalReason::missing_key:
        case RefusalReason::unknown_key:
            return Status::unauthorized;
        case RefusalReason::ended:
        case RefusalReason::busy:
            return Status::conflict;
        case RefusalReason::disabled:
            return Status::forbidden;
    }
    return Status::forbidden;
}

std::atomic<std::uint64_t> g_publishers{0};

}  // namespace

Server::Server(webrtc::UdpServer& udp,
               const webrtc::DtlsContext& dtls,
               PublishAuthorizer& auth,
               ServerOptions opts)
    : udp_(udp), dtls_(dtls), auth_(auth), opts_(std::move(opts)) {}

Server::~Server() = default;

void Server::add_routes(http::Router& router) {
    const std::string one = std::string(kCollection) + "/{session}";
    router.add(bhttp::verb::post, std::string(kCollection), [this](Request& r) { return post(r); });
    router.add(bhttp::verb::options, std::string(kCollection),
               [](Request& r) -> net::awaitable<Response> {
                   co_return http::open_preflight(r, "POST, OPTIONS", true);
               });
    router.add(bhttp::verb::delete_, one, [this](Request& r) { return remove(r); });
    router.add(bhttp::verb::patch, one, [this](Request& r) { return patch(r); });
    router.add(bhttp::verb::options, one, [](Request& r) -> net::awaitable<Response> {
        co_return http::open_preflight(r, "DELETE, PATCH, OPTIONS", false);
    });
    // RFC 9725 §4.2: GET, HEAD or PUT on the session are 405 (the router answers with Allow).
}

net::awaitable<Response> Server::post(Request& req) {
    if (!http::has_content_type(req, "application/sdp"))
        throw http::open_error(Status::unsupported_media_type, "unsupported_media_type",
                               "a WHIP offer is sent as application/sdp", "Content-Type");
    const std::string key = http::bearer_token(req);
    if (key.empty())
        throw http::open_error(Status::unauthorized, "unauthorized",
                               "send the stream key as Authorization: Bearer <key>",
                               "Authorization");
    auto parsed = webrtc::parse_sdp(req.raw.body());
    if (auto* e = std::get_if<webrtc::SdpError>(&parsed))
        throw http::open_error(Status::bad_request, "invalid_sdp", "the SDP offer: " + e->what,
                               "sdp");
    const auto& offer = std::get<webrtc::SessionDescription>(parsed);
    auto negotiated = webrtc::negotiate(offer, webrtc::OfferUse::publish);
    if (auto* e = std::get_if<webrtc::SdpError>(&negotiated))
        throw http::open_error(Status::bad_request, "invalid_sdp", "the SDP offer: " + e->what,
                               "sdp");
    auto& n = std::get<webrtc::Negotiated>(negotiated);
    for (const auto& m : n.media) {
        // VP8 would need the ladder to decode it, which it does not do yet (docs/webrtc.md).
        if (m.accepted && m.kind == "video" && m.codec.name != "H264" && m.codec.name != "h264")
            throw http::open_error(
                Status::bad_request, "unsupported_codec",
                "this server takes H.264 video over WHIP; the offer has " + m.codec.name + " only",
                "sdp");
    }

    // Authorized on the UDP strand: the LiveStream is then packaged on the thread that
    // receives its packets.
    const std::uint64_t publisher = (std::uint64_t{1} << 63) | ++g_publishers;
    auto result = co_await net::co_spawn(udp_.strand(), auth_.authorize(key, publisher, req.peer),
                                         net::use_awaitable);
    if (auto* r = std::get_if<PublishRefusal>(&result)) {
        log()->warn("peer={} WHIP publish refused: {}", req.peer, r->description);
        throw http::open_error(status_of(r->reason),
                               r->reason == RefusalReason::busy       ? "conflict"
                               : r->reason == RefusalReason::ended    ? "stream_ended"
                               : r->reason == RefusalReason::disabled ? "live_streaming_disabled"
                                                                      : "unauthorized",
                               r->description);
    }
    auto grant = std::get<PublishGrant>(std::move(result));
    const std::string stream_id = grant.stream_id;

    const std::string id = util::new_uuid();
    std::string answer;
    bool full = false;
    co_await net::co_spawn(
        udp_.strand(),
        [&]() -> net::awaitable<void> {
            if (sessions_.size() >= opts_.max_sessions) {
                full = true;
                auth_.unpublished(grant.stream_id, publisher);
                co_return;
            }
            auto session = std::make_shared<Session>(
                id, n, std::move(grant), publisher, auth_, opts_.keyframe_interval,
                SessionEvents{[this, stream_id](const std::string& sid, std::string_view) {
                                  {
                                      std::lock_guard lock(stats_mutex_);
                                      auto it = stats_.find(stream_id);
                                      if (it != stats_.end() && it->second.session_id == sid)
                                          stats_.erase(it);
                                  }
                                  // Not while the session is still running its own end().
                                  net::post(udp_.strand(), [this, sid] { sessions_.erase(sid); });
                              },
                              [this, peer = req.peer](const SessionStats& s) {
                                  std::lock_guard lock(stats_mutex_);
                                  auto& slot = stats_[s.stream_id];
                                  slot = s;
                                  slot.peer = peer;
                              }});
            auto transport = std::make_shared<webrtc::Transport>(
                udp_, dtls_, webrtc::IceCredentials::generate(),
                webrtc::Transport::Remote{n.remote_ufrag, n.remote_pwd, n.remote_fingerprint},
                session);
            udp_.add(transport);
            transport->start();
            session->start(transport, udp_.strand());
            webrtc::LocalDescription local;
            local.ice_ufrag = transport->local().ufrag;
            local.ice_pwd = transport->local().pwd;
            local.fingerprint_sha256 = dtls_.certificate().fingerprint();
            local.candidates = opts_.candidates;
            local.session_id = publisher & 0x7fffffffffffffffULL;
            answer = webrtc::build_answer(offer, n, local);
            sessions_[id] = Entry{std::move(session), util::sha256_hex(key)};
            co_return;
        },
        net::use_awaitable);
    if (full)
        throw http::open_error(Status::service_unavailable, "unavailable",
                               "this server has as many WebRTC publishers as it takes");
    log()->info("stream={} session={} WHIP publish from {}", stream_id, id, req.peer);

    Response res{Status::created, req.raw.version()};
    res.keep_alive(req.raw.keep_alive());
    res.set(bhttp::field::content_type, "application/sdp");
    res.set(bhttp::field::location, std::string(kCollection) + "/" + id);
    res.set(bhttp::field::etag, etag_of(id));
    http::open_cors(res);
    res.body().assign(std::move(answer));
    res.prepare_payload();
    co_return res;
}

Server::Entry* Server::find(const std::string& id, const Request& req) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return nullptr;
    const std::string key = http::bearer_token(req);
    if (key.empty() || !util::constant_time_equal(util::sha256_hex(key), it->second.key_digest))
        throw http::open_error(Status::unauthorized, "unauthorized",
                               "send the stream key of this publish as Authorization: Bearer <key>",
                               "Authorization");
    return &it->second;
}

net::awaitable<Response> Server::remove(Request& req) {
    const std::string id(req.param("session"));
    const bool found = co_await util::run_on(udp_.strand(), [&] {
        Entry* e = find(id, req);
        if (!e) return false;
        auto session = e->session;
        sessions_.erase(id);
        session->stop("the publisher ended it (WHIP DELETE)");
        return true;
    });
    if (!found) throw http::open_error(Status::not_found, "not_found", "no such WHIP session");
    co_return http::open_empty(req, Status::ok);
}

net::awaitable<Response> Server::patch(Request& req) {
    const std::string id(req.param("session"));
    const bool found =
        co_await util::run_on(udp_.strand(), [&] { return find(id, req) != nullptr; });
    if (!found) throw http::open_error(Status::not_found, "not_found", "no such WHIP session");
    http::check_trickle_patch(req, etag_of(id));
    co_return http::open_empty(req, Status::no_content);
}

void Server::stop() {
    net::post(udp_.strand(), [this] {
        auto all = std::move(sessions_);
        sessions_.clear();
        for (auto& [id, e] : all)
            e.session->stop("the server is stopping");
    });
}

std::optional<SessionStats> Server::stats(const std::string& stream_id) const {
    std::lock_guard lock(stats_mutex_);
    auto it = stats_.find(stream_id);
    if (it == stats_.end()) return std::nullopt;
    return it->second;
}

}  // namespace nchat::ingest::whip
