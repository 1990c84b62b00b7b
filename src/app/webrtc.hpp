#pragma once
// The WebRTC side of `serve` (issue 14): the shared UDP port, the DTLS certificate, WHIP
// ingest and WHEP playback on the HTTP server. The candidates WebRTC answers offer are worked out
// here from
// --udp and --webrtc-public-ip.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json.hpp>

#include "app/config.hpp"
#include "http/router.hpp"
#include "ingest/publish.hpp"
#include "ingest/whip/server.hpp"
#include "live/registry.hpp"
#include "play/whep/server.hpp"
#include "webrtc/dtls.hpp"
#include "webrtc/tcp_server.hpp"
#include "webrtc/udp_server.hpp"

namespace nchat::app {

class WebRtc {
public:
    WebRtc(const Config& cfg,
           boost::asio::any_io_executor ex,
           ingest::PublishAuthorizer& auth,
           live::Registry& streams,
           play::whep::ServerOptions whep_options);
    ~WebRtc();

    void add_routes(http::Router& router);
    // Binds the UDP port and the ICE-TCP listener on the same port number (throws
    // std::system_error when taken) and fixes the candidates: UDP and TCP for each address.
    void start();
    void stop();
    std::uint16_t port() const { return udp_.port(); }
    const std::vector<webrtc::LocalCandidate>& candidates() const { return candidates_; }
    ingest::whip::Server& whip() { return *whip_; }
    play::whep::Server& whep() { return *whep_; }
    // The stream's WHIP publish on this node (GET /api/streams/{id}/health "webrtc"), or null.
    nlohmann::json health(const std::string& stream_id) const;

private:
    std::string public_ip_;
    bool any_port_ = false;  // --udp port 0: a free one was picked (tests)
    webrtc::UdpServer udp_;
    webrtc::TcpServer tcp_;
    webrtc::DtlsContext dtls_;
    std::vector<webrtc::LocalCandidate> candidates_;
    std::unique_ptr<ingest::whip::Server> whip_;
    std::unique_ptr<play::whep::Server> whep_;
    ingest::PublishAuthorizer& auth_;
};

// The addresses to offer as host candidates for a socket bound to `host`:`port`: `public_ip`
// (resolved when it is a name) when given; else `host` itself, or every address of this
// machine's interfaces that are up when `host` is the wildcard. Throws std::runtime_error when
// a name does not resolve.
std::vector<webrtc::LocalCandidate> host_candidates(const std::string& host,
                                                    std::uint16_t port,
                                                    const std::string& public_ip);

}  // namespace nchat::app
