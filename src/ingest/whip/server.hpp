#pragma once
// WHIP (RFC 9725) over the HTTP server: POST /api/whip with the stream key as a bearer token and
// an SDP offer starts a publish; the session resource it returns takes DELETE (stop) and PATCH
// (trickled candidates); OPTIONS answers any origin's preflight. The media runs on the shared
// UDP port (webrtc::UdpServer), one Session per publish.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "http/router.hpp"
#include "ingest/publish.hpp"
#include "ingest/whip/session.hpp"
#include "webrtc/dtls.hpp"
#include "webrtc/sdp.hpp"
#include "webrtc/udp_server.hpp"

namespace nchat::ingest::whip {

struct ServerOptions {
    // The host candidates every answer lists (the UDP port's address, or --webrtc-public-ip).
    std::vector<webrtc::LocalCandidate> candidates;
    std::size_t max_sessions = 256;
    // How often a publisher is asked for a keyframe: the HLS segment target.
    std::chrono::milliseconds keyframe_interval{2000};
};

class Server {
public:
    Server(webrtc::UdpServer& udp,
           const webrtc::DtlsContext& dtls,
           PublishAuthorizer& auth,
           ServerOptions opts);
    ~Server();

    void add_routes(http::Router& router);
    // Before the first request (the UDP port is known only once bound).
    void set_candidates(std::vector<webrtc::LocalCandidate> c) { opts_.candidates = std::move(c); }
    // Ends every publish (server shutdown). Any thread; returns at once.
    void stop();
    // The WHIP publish of a stream on this node as of the last second, for its health; any
    // thread.
    std::optional<SessionStats> stats(const std::string& stream_id) const;

private:
    struct Entry {
        std::shared_ptr<Session> session;
        std::string key_digest;  // the stream key's SHA-256: DELETE/PATCH must present it too
    };
    boost::asio::awaitable<http::Response> post(http::Request& req);
    boost::asio::awaitable<http::Response> remove(http::Request& req);
    boost::asio::awaitable<http::Response> patch(http::Request& req);
    // On the UDP strand.
    Entry* find(const std::string& id, const http::Request& req);

    webrtc::UdpServer& udp_;
    const webrtc::DtlsContext& dtls_;
    PublishAuthorizer& auth_;
    ServerOptions opts_;
    std::uint64_t next_publisher_ = 0;       // on the UDP strand
    std::map<std::string, Entry> sessions_;  // on the UDP strand
    mutable std::mutex stats_mutex_;
    std::map<std::string, SessionStats> stats_;  // by stream id
};

}  // namespace nchat::ingest::whip
