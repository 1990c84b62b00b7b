#pragma once
// WHEP (draft-ietf-wish-whep-03) over the HTTP server: POST /api/whep/{streamId} with a
// recvonly SDP offer answers with the stream as WebRTC (sub-second playback); the session
// resource it returns takes DELETE and PATCH (trickle); OPTIONS answers any origin. One Feed
// per watched stream packetizes once for all its viewers.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/router.hpp"
#include "live/registry.hpp"
#include "play/whep/feed.hpp"
#include "play/whep/viewer.hpp"
#include "webrtc/dtls.hpp"
#include "webrtc/sdp.hpp"
#include "webrtc/udp_server.hpp"

namespace nchat::play::whep {

struct ServerOptions {
    std::vector<webrtc::LocalCandidate> candidates;
    std::size_t max_viewers = 2000;
    // A WHEP viewer counts as a viewer of the stream's room (presence, viewer sessions).
    // `connection` tells this process's viewers apart; any thread.
    std::function<void(const std::string& stream_id, std::uint64_t connection)> viewer_joined;
    std::function<void(const std::string& stream_id, std::uint64_t connection)> viewer_left;
    // A rendition of the ladder as a LiveStream (empty name: the best encoded rung, which has
    // no B-frames); nullptr when there is none (no transcoder, or no such rendition).
    std::function<std::shared_ptr<live::LiveStream>(const std::string& stream_id,
                                                    const std::string& rendition)>
        rendition;
    // Private playback (docs/api.md): may a viewer with this playback token (from `?token=` or
    // `Authorization: Bearer`, as WHEP clients send one) play the stream? nullopt: no; else
    // the user the token names (empty for a public stream), whose sessions end_viewer() ends.
    // Empty function: all may.
    std::function<boost::asio::awaitable<std::optional<std::string>>(
        std::string stream_id, std::optional<std::string> token)>
        may_play;
    // Several nodes (docs/deploy.md): the public URL of the node a stream not live here is live
    // on; the offer is redirected there (307, which keeps the method and the body).
    std::function<std::optional<std::string>(const std::string& stream_id)> elsewhere;
};

struct StreamPlayback {
    std::vector<std::string> sending;  // "source", or the renditions WHEP viewers get
    std::size_t viewers = 0;
    std::uint64_t frames = 0, packets = 0, keyframe_requests = 0, skipped_audio = 0;
    std::uint64_t frames_dropped = 0;  // waited too long for the UDP strand (it fell behind)
    std::size_t max_queued_frames = 0;
    std::vector<ViewerStats> sessions;
};

class Server {
public:
    Server(webrtc::UdpServer& udp,
           const webrtc::DtlsContext& dtls,
           live::Registry& streams,
           ServerOptions opts);
    ~Server();

    void add_routes(http::Router& router);
    void set_candidates(std::vector<webrtc::LocalCandidate> c) { opts_.candidates = std::move(c); }
    void stop();  // any thread
    // As of the last second; any thread.
    std::optional<StreamPlayback> stats(const std::string& stream_id) const;
    // Any thread: ends `user_id`'s sessions of the stream (their access was revoked).
    void end_viewer(const std::string& stream_id, const std::string& user_id);

private:
    struct Entry {
        std::shared_ptr<Viewer> viewer;
        std::string stream_id;
        std::string feed;  // "<stream id>" or "<stream id>/<rendition>"
        std::uint64_t connection = 0;
        std::string user_id;  // whom its playback token names; empty for a public stream
    };
    boost::asio::awaitable<http::Response> post(http::Request& req);
    boost::asio::awaitable<http::Response> remove(http::Request& req);
    boost::asio::awaitable<http::Response> patch(http::Request& req);
    // On the UDP strand.
    std::shared_ptr<Feed> feed_for(const std::string& stream_id,
                                   const std::string& rendition,
                                   const std::shared_ptr<live::LiveStream>& stream);
    // Any executor: the feed for what the viewer asked (or needs), once its tracks are known.
    boost::asio::awaitable<std::shared_ptr<Feed>> ready_feed(
        const std::string& stream_id,
        const std::string& rendition,
        const std::shared_ptr<live::LiveStream>& stream);
    void ended(const std::string& session_id);
    void drop_if_unwatched(const std::string& feed);
    void refresh_stats();
    void arm_stats();

    webrtc::UdpServer& udp_;
    const webrtc::DtlsContext& dtls_;
    live::Registry& streams_;
    ServerOptions opts_;
    std::map<std::string, Entry> sessions_;               // on the UDP strand
    std::map<std::string, std::shared_ptr<Feed>> feeds_;  // by Entry::feed, on the UDP strand
    std::optional<boost::asio::steady_timer> stats_timer_;
    mutable std::mutex stats_mutex_;
    std::map<std::string, StreamPlayback> stats_;
    bool stopped_ = false;
};

}  // namespace nchat::play::whep
