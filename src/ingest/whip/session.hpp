#pragma once
// One WHIP publish (RFC 9725): the WebRTC transport's RTP, put back in order, depacketized and
// timed, goes into the stream's LiveStream as the same MediaPackets RTMP produces, so the
// ladder, LL-HLS and WHEP work unchanged. Towards the browser it sends what a good receiver
// does: NACKs for lost packets, PLI when a keyframe is needed, receiver reports, and transport
// feedback (TWCC, or REMB) so the browser's bandwidth estimate climbs. Runs on the UdpServer's
// strand, like its transport.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ingest/publish.hpp"
#include "ingest/whip/track_receiver.hpp"
#include "webrtc/sdp.hpp"
#include "webrtc/transport.hpp"
#include "webrtc/transport_cc.hpp"

namespace nchat::ingest::whip {

struct SessionStats {
    std::string stream_id, session_id, peer;
    std::uint64_t packets = 0, bytes = 0;
    std::uint64_t frames = 0, keyframes = 0;
    std::uint64_t nacks_sent = 0, plis_sent = 0;
    std::uint64_t unknown_payload = 0;  // RTP with a payload type we did not negotiate
    std::uint64_t bitrate_bps = 0;      // over the last second
    TrackCounters video, audio;
    std::string video_codec;  // "H264 1280x720" once known
    bool connected = false;
    std::string ice;  // the selected path: "udp", "tcp" (ICE-TCP), or empty before one
};

// What a session tells its owner, on the UDP strand.
struct SessionEvents {
    std::function<void(const std::string& session_id, std::string_view why)> ended;
    std::function<void(const SessionStats&)> stats;  // once a second
};

class Session : public webrtc::TransportListener, public std::enable_shared_from_this<Session> {
public:
    using Clock = std::chrono::steady_clock;

    Session(std::string id,
            webrtc::Negotiated negotiated,
            PublishGrant grant,
            std::uint64_t publisher,
            PublishAuthorizer& auth,
            std::chrono::milliseconds keyframe_interval,  // the HLS segment target
            SessionEvents events);
    ~Session() override;

    // On the UdpServer's strand (`strand`): owns `transport` from now on.
    void start(std::shared_ptr<webrtc::Transport> transport, boost::asio::any_io_executor strand);
    // DELETE, the stream ended, or the server stops: the publisher is gone (grace period).
    void stop(std::string_view why);

    const std::string& id() const { return id_; }
    const std::string& stream_id() const { return grant_.stream_id; }
    SessionStats stats() const;  // on the strand

    // webrtc::TransportListener
    void on_transport_connected() override;
    void on_rtp(webrtc::RtpPacket packet) override;
    void on_rtcp(std::span<const std::uint8_t> compound) override;
    void on_transport_closed(std::string_view why) override;

private:
    void tick();
    void arm_tick();
    void publish_ready(const std::vector<TrackReceiver::Output>& out);
    void announce_tracks();
    void request_keyframe(std::size_t track, Clock::time_point now);
    void send_feedback(Clock::time_point now);
    void end(std::string_view why);

    std::string id_;
    webrtc::Negotiated negotiated_;
    PublishGrant grant_;
    std::uint64_t publisher_;
    PublishAuthorizer& auth_;
    SessionEvents events_;
    std::shared_ptr<webrtc::Transport> transport_;
    std::optional<boost::asio::steady_timer> tick_timer_;
    std::vector<std::unique_ptr<TrackReceiver>> tracks_;  // one per accepted m-line
    std::vector<media::TrackInfo> infos_;  // what the LiveStream was told, in tracks_ order
    std::vector<Clock::time_point> last_pli_;
    std::vector<Clock::time_point> last_keyframe_;  // when the last one went to the LiveStream
    std::chrono::milliseconds keyframe_interval_;
    bool announced_ = false;
    bool keyframe_asked_ = false;  // a consumer of the stream (a WHEP viewer) wants one
    std::uint8_t twcc_id_ = 0;     // the transport-wide sequence number's extension id
    bool twcc_ = false;            // the browser offered transport-cc: TWCC feedback, not REMB
    webrtc::TransportCcRecorder twcc_recorder_;
    Clock::time_point last_feedback_{};
    std::uint32_t our_ssrc_;
    std::optional<Clock::time_point> epoch_;  // first media packet
    Clock::time_point last_report_{};
    Clock::time_point last_rate_{};
    std::uint64_t rate_bytes_ = 0;
    SessionStats stats_;
    bool ended_ = false;
};

}  // namespace nchat::ingest::whip
