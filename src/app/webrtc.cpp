#include "app/webrtc.hpp"

#include <cmath>
#include <stdexcept>
#include <system_error>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>

#include "app/config.hpp"
#include "util/log.hpp"
#include "webrtc/certificate.hpp"

namespace nchat::app {

namespace net = boost::asio;

namespace {

// A port number free for both UDP and TCP on `host`, for `--udp` port 0 (tests): ICE-TCP
// listens on UDP's number, and a number the kernel picks for UDP alone may be the local port of
// some outgoing TCP connection. 0 when none was found (the kernel then picks for UDP).
std::uint16_t free_port_pair(const std::string& host) {
    net::io_context ioc;
    const auto addr = net::ip::make_address(host);
    for (int attempt = 0; attempt < 16; ++attempt) {
        boost::system::error_code ec;
        net::ip::tcp::acceptor probe(ioc);
        probe.open(addr.is_v4() ? net::ip::tcp::v4() : net::ip::tcp::v6(), ec);
        if (!ec) probe.bind({addr, 0}, ec);
        if (ec) return 0;
        const auto port = probe.local_endpoint(ec).port();
        net::ip::udp::socket udp(ioc);
        udp.open(addr.is_v4() ? net::ip::udp::v4() : net::ip::udp::v6(), ec);
        if (!ec) udp.bind({addr, port}, ec);
        if (!ec) return port;
    }
    return 0;
}

webrtc::UdpServerOptions udp_options(const Config& cfg) {
    const auto hp = parse_host_port(cfg.udp, "udp");
    webrtc::UdpServerOptions o;
    o.host = hp.host;
    o.port = hp.port == 0 ? free_port_pair(hp.host) : hp.port;
    return o;
}

std::string resolve(const std::string& name) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(name.c_str(), nullptr, &hints, &res) != 0 || !res)
        throw std::runtime_error("--webrtc-public-ip: cannot resolve " + name);
    char buf[NI_MAXHOST];
    const int rc =
        getnameinfo(res->ai_addr, res->ai_addrlen, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST);
    freeaddrinfo(res);
    if (rc != 0) throw std::runtime_error("--webrtc-public-ip: cannot resolve " + name);
    return buf;
}

}  // namespace

std::vector<webrtc::LocalCandidate> host_candidates(const std::string& host,
                                                    std::uint16_t port,
                                                    const std::string& public_ip) {
    std::vector<webrtc::LocalCandidate> out;
    if (!public_ip.empty()) {
        boost::system::error_code ec;
        net::ip::make_address(public_ip, ec);
        out.push_back({ec ? resolve(public_ip) : public_ip, port, false});
        return out;
    }
    const auto bound = net::ip::make_address(host);
    if (!bound.is_unspecified()) {
        out.push_back({bound.to_string(), port, false});
        return out;
    }
    // Bound to every address: offer each one an interface has (loopback too, for a browser on
    // this machine), IPv4 first; a browser tries them all and keeps the first that answers.
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return out;
    std::vector<webrtc::LocalCandidate> v6;
    for (auto* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || !(i->ifa_flags & IFF_UP)) continue;
        const int family = i->ifa_addr->sa_family;
        if (family != AF_INET && (family != AF_INET6 || bound.is_v4())) continue;
        char buf[NI_MAXHOST];
        const socklen_t len = family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
        if (getnameinfo(i->ifa_addr, len, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST) != 0)
            continue;
        std::string a = buf;
        if (a.find('%') != std::string::npos) continue;  // link-local IPv6 with a scope
        (family == AF_INET ? out : v6).push_back({a, port, false});
    }
    freeifaddrs(list);
    out.insert(out.end(), v6.begin(), v6.end());
    return out;
}

WebRtc::WebRtc(const Config& cfg,
               net::any_io_executor ex,
               ingest::PublishAuthorizer& auth,
               live::Registry& streams,
               play::whep::ServerOptions whep_options)
    : public_ip_(cfg.webrtc_public_ip),
      any_port_(parse_host_port(cfg.udp, "udp").port == 0),
      udp_(ex, udp_options(cfg)),
      tcp_(udp_),
      dtls_(webrtc::Certificate::generate()),
      auth_(auth) {
    ingest::whip::ServerOptions wo;
    wo.keyframe_interval = std::chrono::milliseconds(cfg.segment_target_ms);
    whip_ = std::make_unique<ingest::whip::Server>(udp_, dtls_, auth_, std::move(wo));
    whep_ = std::make_unique<play::whep::Server>(udp_, dtls_, streams, std::move(whep_options));
}

WebRtc::~WebRtc() = default;

void WebRtc::add_routes(http::Router& router) {
    whip_->add_routes(router);
    whep_->add_routes(router);
}

void WebRtc::start() {
    udp_.start();
    bool tcp = true;
    try {
        tcp_.start(udp_.options().host, udp_.port());
    } catch (const std::system_error& e) {
        // A configured port must be free for both. One picked for tests (free_port_pair) may
        // have been taken on TCP since: serve without ICE-TCP rather than fail.
        if (!any_port_) throw;
        tcp = false;
        util::logger("webrtc")->warn("ICE-TCP off: TCP port {} is taken ({})", udp_.port(),
                                     e.what());
    }
    candidates_ = host_candidates(udp_.options().host, udp_.port(), public_ip_);
    // ICE-TCP (RFC 6544): the same addresses and port number, passive, for networks that
    // block UDP; the answer gives them a lower priority so UDP wins where it works.
    const auto udp_count = tcp ? candidates_.size() : 0;
    for (std::size_t i = 0; i < udp_count; ++i) {
        auto c = candidates_[i];
        c.tcp = true;
        candidates_.push_back(c);
    }
    whip_->set_candidates(candidates_);
    whep_->set_candidates(candidates_);
    if (candidates_.empty())
        util::logger("webrtc")->warn("no address to offer WebRTC peers: set --webrtc-public-ip");
}

nlohmann::json WebRtc::health(const std::string& stream_id) const {
    nlohmann::json out = nlohmann::json::object();
    if (auto p = whep_->stats(stream_id)) {
        auto sessions = nlohmann::json::array();
        for (const auto& v : p->sessions) {
            nlohmann::json j{{"session", v.session_id},
                             {"connected", v.connected},
                             {"ice", v.ice},
                             {"packetsSent", v.packets_sent},
                             {"retransmitted", v.retransmitted},
                             {"nacks", v.nacks},
                             {"plis", v.plis},
                             {"framesDropped", v.dropped_frames},
                             {"fractionLost", v.fraction_lost},
                             {"jitterMs", v.jitter_ms}};
            j["rttMs"] = v.rtt_ms ? nlohmann::json(*v.rtt_ms) : nlohmann::json(nullptr);
            sessions.push_back(std::move(j));
        }
        out["playback"] = {{"viewers", p->viewers},
                           {"sending", p->sending},
                           {"frames", p->frames},
                           {"keyframeRequests", p->keyframe_requests},
                           {"framesDropped", p->frames_dropped},
                           {"maxQueuedFrames", p->max_queued_frames},
                           {"audioNotSent", p->skipped_audio},
                           {"sessions", std::move(sessions)}};
    }
    auto s = whip_->stats(stream_id);
    if (!s) return out.empty() ? nlohmann::json(nullptr) : out;
    const auto track = [](const ingest::whip::TrackCounters& t) {
        return nlohmann::json{{"packets", t.packets},
                              {"frames", t.frames},
                              {"keyframes", t.keyframes},
                              {"framesDropped", t.frames_dropped},
                              {"packetsLost", t.lost},
                              {"packetsRecovered", t.recovered},
                              {"nacked", t.nacked},
                              {"late", t.late},
                              {"jitterMs", std::round(t.jitter_ms * 10) / 10}};
    };
    out["ingest"] = {{"protocol", "whip"},
                     {"session", s->session_id},
                     {"peer", s->peer},
                     {"connected", s->connected},
                     {"ice", s->ice},
                     {"bitrateKbps", s->bitrate_bps / 1000},
                     {"videoCodec", s->video_codec},
                     {"nacksSent", s->nacks_sent},
                     {"plisSent", s->plis_sent},
                     {"unknownPayload", s->unknown_payload},
                     {"video", track(s->video)},
                     {"audio", track(s->audio)}};
    return out;
}

void WebRtc::stop() {
    whip_->stop();
    whep_->stop();
    tcp_.stop();
    udp_.stop();
}

}  // namespace nchat::app
