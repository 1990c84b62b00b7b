#pragma once
// One live stream's WebRTC output, shared by all its WHEP viewers (issue 14): a LiveStream
// consumer that turns each access unit into RTP packets once — H.264 packetized, Opus as is —
// and hands the same immutable bytes to every viewer, which only protects (SRTP) and sends.
// It keeps a short history for NACKs and asks the publisher for keyframes viewers need.
//
// Two strands: the LiveStream calls (packetizing) run on the stream's; the viewer list, the
// history and every send run on the UdpServer's. Frames cross between them through a bounded
// FrameQueue (the oldest dropped when the UDP strand falls behind); the UDP strand sends them
// in turns of a bounded number of datagrams, posting the rest, so the socket's reads (ICE
// consent, DTLS of new viewers) get the thread between turns.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "live/consumer.hpp"
#include "live/live_stream.hpp"
#include "media/track.hpp"
#include "play/whep/frame_queue.hpp"
#include "play/whep/out_packet.hpp"
#include "transcode/audio_converter.hpp"
#include "webrtc/udp_server.hpp"

namespace nchat::play::whep {

class Viewer;

// What the SDP answer needs to know of the source, once its tracks are known.
struct FeedInfo {
    std::optional<media::TrackInfo> video;  // H.264
    std::optional<media::TrackInfo> audio;  // Opus (what viewers get; made from AAC if need be)
    std::uint32_t video_ssrc = 0, audio_ssrc = 0;
    std::string cname;
};

struct FeedStats {
    std::uint64_t frames = 0, packets = 0, keyframe_requests = 0;
    // Frames dropped before the UDP strand got to them (it fell behind), and the most that
    // waited at once.
    std::uint64_t dropped_video_frames = 0, dropped_audio_frames = 0;
    std::size_t max_queued_frames = 0;
};

class Feed : public live::Consumer, public std::enable_shared_from_this<Feed> {
public:
    using Clock = std::chrono::steady_clock;

    // `rendition`: what `stream` carries: "source", or a rendition of the ladder ("480p").
    Feed(std::string stream_id,
         std::string rendition,
         std::shared_ptr<live::LiveStream> stream,
         webrtc::UdpServer& udp);

    const std::string& stream_id() const { return stream_id_; }
    const std::string& rendition() const { return rendition_; }
    // Any thread: the source's video has B-frames (pts ≠ dts), which browsers' WebRTC decoders
    // do not show; and how many video packets that is judged on.
    bool has_bframes() const { return bframes_.load(std::memory_order_relaxed); }
    std::uint64_t video_seen() const { return video_seen_.load(std::memory_order_relaxed); }
    // Stops consuming its LiveStream (its last viewer left); any thread.
    void detach();
    // Any thread: the source as last announced; nullopt before its tracks arrive.
    std::optional<FeedInfo> info() const;

    // live::Consumer, on the stream's strand.
    void on_tracks(const std::vector<media::TrackInfo>& tracks) override;
    void on_packet(const media::MediaPacket& p) override;
    void on_discontinuity() override;
    void on_end() override;

    // On the UDP strand.
    void add(const std::shared_ptr<Viewer>& v);
    void remove(const Viewer* v);
    std::size_t viewers() const { return viewers_.size(); }
    bool ended() const { return ended_; }
    // The packet with this SSRC and sequence number if it is still in the history (NACK).
    std::shared_ptr<const std::vector<std::uint8_t>> history(std::uint32_t ssrc,
                                                             std::uint16_t seq) const;
    // A viewer needs a keyframe (it joined, or sent PLI/FIR): asks the publisher, at most
    // every 500 ms for the whole stream.
    void keyframe_wanted();
    // RTP timestamp "now" for an SSRC, from the last packet sent and the time since (for SRs).
    std::optional<std::uint32_t> rtp_now(std::uint32_t ssrc, Clock::time_point now) const;
    FeedStats stats() const;
    // Any thread: audio frames not sent (a codec we cannot make Opus from, or a bad packet).
    std::uint64_t skipped_audio() const { return skipped_audio_.load(std::memory_order_relaxed); }

private:
    void fan_out(std::vector<OutPacket> batch, bool video);  // stream strand
    void send_turn();                                        // UDP strand
    void start_frame(QueuedFrame f);
    std::vector<OutPacket> packetize_video(const media::MediaPacket& p);
    void send_opus(const media::MediaPacket& p);

    std::string stream_id_;
    std::string rendition_;
    std::atomic<bool> bframes_{false};
    std::atomic<std::uint64_t> video_seen_{0};
    std::weak_ptr<live::LiveStream> stream_;  // it owns us (as a consumer): no cycle
    webrtc::UdpServer& udp_;

    // Stream strand.
    std::vector<media::TrackInfo> tracks_;
    int video_track_ = -1, audio_track_ = -1;
    std::vector<std::uint8_t> sps_, pps_;  // from avcC, for keyframes without them in band
    // AAC sources: their audio made Opus once here, for every viewer of this feed.
    std::unique_ptr<transcode::AudioConverter> to_opus_;
    std::uint16_t video_seq_, audio_seq_;
    std::int64_t video_ts_offset_ = 0, audio_ts_offset_ = 0;
    std::uint32_t last_video_ts_ = 0, last_audio_ts_ = 0;
    bool rebase_video_ = false, rebase_audio_ = false;
    std::atomic<std::uint64_t> skipped_audio_{0};

    mutable std::mutex info_mutex_;
    std::optional<FeedInfo> info_;
    std::uint32_t video_ssrc_, audio_ssrc_;

    FrameQueue queue_;

    // UDP strand.
    std::vector<std::weak_ptr<Viewer>> viewers_;
    // The frame being sent, the viewers it goes to (those there when it started) and the next
    // of them; it may take several turns.
    std::optional<QueuedFrame> sending_;
    std::vector<std::weak_ptr<Viewer>> targets_;
    std::size_t next_target_ = 0;
    struct Sent {
        std::uint32_t rtp_timestamp = 0;
        Clock::time_point at{};
        std::uint32_t clock = 90000;
    };
    std::map<std::uint32_t, Sent> last_sent_;
    std::map<std::uint32_t,
             std::deque<std::pair<std::uint16_t, std::shared_ptr<const std::vector<std::uint8_t>>>>>
        history_;
    Clock::time_point last_keyframe_request_{};
    FeedStats stats_;
    bool ended_ = false;
};

}  // namespace nchat::play::whep
