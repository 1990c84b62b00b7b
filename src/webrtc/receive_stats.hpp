#pragma once
// What we know about one incoming SSRC for its RTCP report block (RFC 3550 §6.4.1): packets,
// loss (App. A.3), interarrival jitter (App. A.8) and the last SR (LSR/DLSR). Pure: times are
// passed in.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "webrtc/rtcp.hpp"

namespace nchat::webrtc {

class ReceiveStats {
public:
    using Clock = std::chrono::steady_clock;

    explicit ReceiveStats(std::uint32_t ssrc) : ssrc_(ssrc) {}

    // Every packet as it arrives (before reordering). `arrival_rtp` is the arrival time in
    // the stream's RTP clock units (90 kHz video, 48 kHz Opus) on any steady origin.
    void on_packet(std::uint16_t seq,
                   std::uint32_t rtp_timestamp,
                   std::uint32_t arrival_rtp,
                   std::size_t bytes);
    void on_sender_report(std::uint64_t ntp, Clock::time_point now);
    // The block for our next RR; starts a new interval for fraction_lost.
    ReportBlock make_report_block(Clock::time_point now);

    std::uint64_t packets() const { return received_; }
    std::uint64_t bytes() const { return bytes_; }
    std::int64_t expected() const;
    std::int64_t lost() const { return expected() - static_cast<std::int64_t>(received_); }
    std::uint32_t jitter() const { return jitter_q4_ >> 4; }

private:
    void init(std::uint16_t seq);
    bool update_seq(std::uint16_t seq);

    std::uint32_t ssrc_;
    bool started_ = false;
    // RFC 3550 A.1.
    std::uint16_t max_seq_ = 0;
    std::uint32_t cycles_ = 0;
    std::uint32_t base_seq_ = 0;
    std::uint32_t bad_seq_ = 0;
    std::uint64_t received_ = 0;
    std::uint64_t bytes_ = 0;
    std::int64_t expected_prior_ = 0;
    std::uint64_t received_prior_ = 0;
    // RFC 3550 A.8: jitter in 1/16 units, so the running average keeps its precision.
    bool has_transit_ = false;
    std::uint32_t transit_ = 0;
    std::uint32_t jitter_q4_ = 0;
    // The last SR: its NTP middle bits and when it arrived.
    bool has_sr_ = false;
    std::uint32_t last_sr_ = 0;
    Clock::time_point last_sr_at_{};
};

}  // namespace nchat::webrtc
