#pragma once
// One WHEP viewer (WHEP draft -03): its WebRTC transport and what it does with the stream's
// shared packets — starts on a keyframe, rewrites the payload type to its own offer's,
// protects and sends; answers its NACKs from the feed's history and its PLIs by asking the
// publisher; sends sender reports so the browser can sync audio to video and measure RTT.
// On the UdpServer's strand.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "play/whep/feed.hpp"
#include "webrtc/transport.hpp"

namespace nchat::play::whep {

struct ViewerStats {
    std::string session_id, peer;
    bool connected = false;
    std::uint64_t packets_sent = 0, bytes_sent = 0;
    std::uint64_t retransmitted = 0, nacks = 0, plis = 0;
    std::uint64_t waited_for_keyframe = 0;  // video packets skipped before the first keyframe
    // Frames the feed dropped while this viewer was watching (the server fell behind).
    std::uint64_t dropped_frames = 0;
    double fraction_lost = 0;  // from the viewer's last receiver report
    std::int64_t cumulative_lost = 0;
    double jitter_ms = 0;
    std::optional<double> rtt_ms;
    std::string ice;  // the selected path: "udp", "tcp" (ICE-TCP), or empty before one
};

class Viewer : public webrtc::TransportListener, public std::enable_shared_from_this<Viewer> {
public:
    struct Media {
        bool video = false, audio = false;
        std::uint8_t video_pt = 0, audio_pt = 0;  // this viewer's, from its offer
    };
    using EndedFn = std::function<void(const std::string& session_id, std::string_view why)>;

    Viewer(std::string id, std::shared_ptr<Feed> feed, Media media, EndedFn on_ended);
    ~Viewer() override;

    const std::string& id() const { return id_; }
    const std::shared_ptr<Feed>& feed() const { return feed_; }
    void start(std::shared_ptr<webrtc::Transport> transport, boost::asio::any_io_executor strand);
    void stop(std::string_view why);  // DELETE or shutdown
    ViewerStats stats() const;

    // From the feed.
    void send(const std::vector<OutPacket>& batch);
    void stream_ended();
    // The feed dropped frames before sending them: after a video one, wait for a keyframe.
    void frames_dropped(std::uint64_t video, std::uint64_t audio);

    // webrtc::TransportListener
    void on_transport_connected() override;
    void on_rtp(webrtc::RtpPacket) override {}  // a viewer sends no media
    void on_rtcp(std::span<const std::uint8_t> compound) override;
    void on_transport_closed(std::string_view why) override;

private:
    void send_one(const std::vector<std::uint8_t>& rtp, bool video);
    void send_reports();
    void arm_reports();
    void end(std::string_view why);

    std::string id_;
    std::shared_ptr<Feed> feed_;
    Media media_;
    EndedFn on_ended_;
    std::shared_ptr<webrtc::Transport> transport_;
    std::optional<boost::asio::steady_timer> report_timer_;
    bool keyframe_seen_ = false;
    std::uint32_t our_ssrc_ = 0;  // for our RTCP when we have no media SSRC to speak for
    // What our sender reports said, per SSRC: packets and octets sent.
    std::uint32_t video_packets_ = 0, video_octets_ = 0, audio_packets_ = 0, audio_octets_ = 0;
    ViewerStats stats_;
    bool ended_ = false;
};

}  // namespace nchat::play::whep
