#pragma once
// One received m-line of a WHIP publish: its RTP put back in order (NACKing what is missing),
// depacketized into access units, and timed on the stream's clock. Pure bookkeeping: time is
// passed in, packets go out through the caller. On the session's strand.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "media/track.hpp"
#include "webrtc/h264_depacketizer.hpp"
#include "webrtc/opus_depacketizer.hpp"
#include "webrtc/receive_stats.hpp"
#include "webrtc/reorder_buffer.hpp"
#include "webrtc/rtcp.hpp"
#include "webrtc/rtp_packet.hpp"
#include "webrtc/sdp.hpp"

namespace nchat::ingest::whip {

struct TrackCounters {
    std::uint64_t packets = 0, bytes = 0;
    std::uint64_t frames = 0, keyframes = 0;
    std::uint64_t frames_dropped = 0;  // incomplete, or waiting for a keyframe
    std::uint64_t lost = 0;            // packets never recovered (given up by the reorder buffer)
    std::uint64_t recovered = 0;       // came back after a NACK
    std::uint64_t nacked = 0;          // sequence numbers asked for again
    std::uint64_t late = 0;            // arrived after their frame was given up, or duplicates
    double jitter_ms = 0;              // RFC 3550 interarrival jitter
};

class TrackReceiver {
public:
    using Clock = std::chrono::steady_clock;
    struct Output {
        std::vector<std::uint8_t> data;  // AVCC4 (keyframes with SPS/PPS), or one Opus frame
        std::int64_t dts = 0;            // in the track's clock, from the session's epoch
        bool keyframe = false;
    };

    explicit TrackReceiver(const webrtc::MediaChoice& choice);

    media::TrackKind kind() const { return kind_; }
    bool accepts(std::uint8_t payload_type) const { return payload_type == choice_.codec.pt; }
    std::uint32_t ssrc() const { return ssrc_; }
    std::uint32_t clock_rate() const { return choice_.codec.clock; }
    TrackCounters counters() const;

    // `epoch`: when the session's first media packet arrived (shared by all its tracks, so
    // audio and video start aligned).
    void push(webrtc::RtpPacket p, Clock::time_point now, Clock::time_point epoch);
    // Access units complete by `now`, in order.
    std::vector<Output> drain(Clock::time_point now);
    std::vector<std::uint16_t> nacks_due(Clock::time_point now);
    // H.264: no decodable picture until the next IDR (start, or a loss broke the chain).
    bool wants_keyframe() const;
    // The track's configuration: Opus at once, H.264 once an SPS and PPS arrived.
    std::optional<media::TrackInfo> info() const;
    std::optional<webrtc::ReportBlock> report_block(Clock::time_point now);
    void on_sender_report(const webrtc::SenderReport& sr, Clock::time_point now);

private:
    std::optional<Output> frame_out(const webrtc::DepacketizedFrame& f);

    webrtc::MediaChoice choice_;
    media::TrackKind kind_;
    webrtc::ReorderBuffer reorder_;
    std::optional<webrtc::ReceiveStats> stats_;  // from the first packet (it needs the SSRC)
    std::variant<webrtc::H264Depacketizer, webrtc::OpusDepacketizer> depacketizer_;
    std::uint32_t ssrc_ = 0;
    bool gap_pending_ = false;  // a loss before padding packets, owed to the next media packet
    // RTP timestamp unwrapping and the track's offset on the session's clock.
    bool timed_ = false;
    std::int64_t first_ts_ = 0, last_ext_ts_ = 0, offset_ = 0, last_dts_ = -1;
    std::uint32_t last_ts_ = 0;
    TrackCounters counters_;
};

}  // namespace nchat::ingest::whip
