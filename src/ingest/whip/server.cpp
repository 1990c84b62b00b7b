#include "ingest/whip/server.hpp"

#include <atomic>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "util/crypto.hpp"
#include "util/ids.hpp"
#include "webrtc/certificate.hpp"
#include "util/log.hpp"
#include "webrtc/transport.hpp"

namespace nchat::ingest::whip {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using http::HttpError;
using http::Request;
using http::Response;
using Status = bhttp::status;

namespace {

auto log() { return util::logger("whip"); }

constexpr std::string_view kCollection = "/api/whip";
constexpr std::string_view kExpose = "Location, ETag, Link, Accept-Post";

// WHIP's bearer token is the stream key, not a cookie: any origin may publish with it, so the
// CORS answer is "*" whatever --cors-origin says (RFC 9725 §4.7.1 wants preflights answered).
void cors(Response& res) {
    res.set(bhttp::field::access_control_allow_origin, "*");
    res.set(bhttp::field::access_control_expose_headers, kExpose);
}

HttpError refuse(Status s, std::string code, std::string message, std::string field = {}) {
    HttpError e(s, std::move(code), std::move(message), std::move(field));
    e.headers.emplace_back("Access-Control-Allow-Origin", "*");
    e.headers.emplace_back("Access-Control-Expose-Headers", std::string(kExpose));
    return e;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    return true;
}

std::string bearer(const Request& req) {
    const auto h = req.header(bhttp::field::authorization);
    if (!starts_with_ci(h, "bearer ")) return {};
    auto token = h.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    return std::string(token);
}

Response empty(const Request& req, Status s) {
    Response res{s, req.raw.version()};
    res.keep_alive(req.raw.keep_alive());
    cors(res);
    res.prepare_payload();
    return res;
}

Response preflight(const Request& req, bool collection) {
    auto res = empty(req, Status::no_content);
    res.set(bhttp::field::access_control_allow_methods,
            collection ? "POST, OPTIONS" : "DELETE, PATCH, OPTIONS");
    res.set(bhttp::field::access_control_allow_headers, "Authorization, Content-Type, If-Match");
    res.set(bhttp::field::access_control_max_age, "86400");
    if (collection) res.set("Accept-Post", "application/sdp");
    return res;
}

std::string etag_of(const std::string& id) { return "\"" + id + "\""; }

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
    router.add(bhttp::verb::post, std::string(kCollection),
               [this](Request& r) { return post(r); });
    router.add(bhttp::verb::options, std::string(kCollection),
               [](Request& r) -> net::awaitable<Response> { co_return preflight(r, true); });
    router.add(bhttp::verb::delete_, one, [this](Request& r) { return remove(r); });
    router.add(bhttp::verb::patch, one, [this](Request& r) { return patch(r); });
    router.add(bhttp::verb::options, one,
               [](Request& r) -> net::awaitable<Response> { co_return preflight(r, false); });
    // RFC 9725 §4.2: GET, HEAD or PUT on the session are 405 (the router answers with Allow).
}

net::awaitable<Response> Server::post(Request& req) {
    if (!starts_with_ci(req.header(bhttp::field::content_type), "application/sdp"))
        throw refuse(Status::unsupported_media_type, "unsupported_media_type",
                     "a WHIP offer is sent as application/sdp", "Content-Type");
    const std::string key = bearer(req);
    if (key.empty())
        throw refuse(Status::unauthorized, "unauthorized",
                     "send the stream key as Authorization: Bearer <key>", "Authorization");
    auto parsed = webrtc::parse_sdp(req.raw.body());
    if (auto* e = std::get_if<webrtc::SdpError>(&parsed))
        throw refuse(Status::bad_request, "invalid_sdp", "the SDP offer: " + e->what, "sdp");
    const auto& offer = std::get<webrtc::SessionDescription>(parsed);
    auto negotiated = webrtc::negotiate(offer, webrtc::OfferUse::publish);
    if (auto* e = std::get_if<webrtc::SdpError>(&negotiated))
        throw refuse(Status::bad_request, "invalid_sdp", "the SDP offer: " + e->what, "sdp");
    auto& n = std::get<webrtc::Negotiated>(negotiated);

    // Authorized on the UDP strand: the LiveStream is then packaged on the thread that
    // receives its packets.
    const std::uint64_t publisher = (std::uint64_t{1} << 63) | ++g_publishers;
    auto result = co_await net::co_spawn(udp_.strand(),
                                         auth_.authorize(key, publisher, req.peer),
                                         net::use_awaitable);
    if (auto* r = std::get_if<PublishRefusal>(&result)) {
        log()->warn("peer={} WHIP publish refused: {}", req.peer, r->description);
        throw refuse(status_of(r->reason), r->reason == RefusalReason::busy ? "conflict"
                                           : r->reason == RefusalReason::ended ? "stream_ended"
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
                SessionEvents{
                    [this, stream_id](const std::string& sid, std::string_view) {
                        {
                            std::lock_guard lock(stats_mutex_);
                            auto it = stats_.find(stream_id);
                            if (it != stats_.end() && it->second.session_id == sid) stats_.erase(it);
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
        throw refuse(Status::service_unavailable, "unavailable",
                     "this server has as many WebRTC publishers as it takes");
    log()->info("stream={} session={} WHIP publish from {}", stream_id, id, req.peer);

    Response res{Status::created, req.raw.version()};
    res.keep_alive(req.raw.keep_alive());
    res.set(bhttp::field::content_type, "application/sdp");
    res.set(bhttp::field::location, std::string(kCollection) + "/" + id);
    res.set(bhttp::field::etag, etag_of(id));
    cors(res);
    res.body().assign(std::move(answer));
    res.prepare_payload();
    co_return res;
}

Server::Entry* Server::find(const std::string& id, const Request& req) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return nullptr;
    const std::string key = bearer(req);
    if (key.empty() || !util::constant_time_equal(util::sha256_hex(key), it->second.key_digest))
        throw refuse(Status::unauthorized, "unauthorized",
                     "send the stream key of this publish as Authorization: Bearer <key>",
                     "Authorization");
    return &it->second;
}

net::awaitable<Response> Server::remove(Request& req) {
    const std::string id(req.param("session"));
    co_await net::co_spawn(
        udp_.strand(),
        [&]() -> net::awaitable<void> {
            Entry* e = find(id, req);
            if (!e)
                throw refuse(Status::not_found, "not_found", "no such WHIP session");
            auto session = e->session;
            sessions_.erase(id);
            session->stop("the publisher ended it (WHIP DELETE)");
            co_return;
        },
        net::use_awaitable);
    co_return empty(req, Status::ok);
}

net::awaitable<Response> Server::patch(Request& req) {
    const std::string id(req.param("session"));
    if (!starts_with_ci(req.header(bhttp::field::content_type),
                        "application/trickle-ice-sdpfrag"))
        throw refuse(Status::unsupported_media_type, "unsupported_media_type",
                     "a WHIP PATCH carries application/trickle-ice-sdpfrag", "Content-Type");
    co_await net::co_spawn(
        udp_.strand(),
        [&]() -> net::awaitable<void> {
            if (!find(id, req))
                throw refuse(Status::not_found, "not_found", "no such WHIP session");
            co_return;
        },
        net::use_awaitable);
    const auto if_match = req.header(bhttp::field::if_match);
    if (if_match.empty())
        throw refuse(Status::precondition_required, "precondition_required",
                     "a WHIP PATCH needs If-Match with the session's ETag", "If-Match");
    const std::string& body = req.raw.body();
    // A new ufrag is an ICE restart (RFC 9725 §4.3.2), which an ICE-lite server with host
    // candidates has no use for: 422 tells the client to renegotiate with a new POST instead.
    if (if_match == "*" || body.find("a=ice-ufrag:") != std::string::npos)
        throw refuse(Status::unprocessable_entity, "unsupported",
                     "ICE restarts are not supported; start a new session");
    if (if_match != etag_of(id))
        throw refuse(Status::precondition_failed, "precondition_failed",
                     "the ETag does not match this session", "If-Match");
    // Trickled candidates: we are ICE-lite and learn the peer's addresses from its checks, so
    // they are accepted and need nothing more.
    co_return empty(req, Status::no_content);
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
