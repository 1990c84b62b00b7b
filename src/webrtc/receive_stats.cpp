#include "webrtc/receive_stats.hpp"

#include <algorithm>

#include "webrtc/limits.hpp"

namespace nchat::webrtc {
namespace {

constexpr std::uint32_t kSeqMod = 1u << 16;
constexpr std::int64_t kMaxLost = 0x7FFFFF;  // signed 24-bit on the wire
constexpr std::int64_t kMinLost = -0x800000;

}  // namespace

void ReceiveStats::init(std::uint16_t seq) {
    base_seq_ = seq;
    max_seq_ = seq;
    bad_seq_ = kSeqMod + 1;  // so seq == bad_seq_ is false
    cycles_ = 0;
    received_ = 0;
    received_prior_ = 0;
    expected_prior_ = 0;
}

bool ReceiveStats::update_seq(std::uint16_t seq) {
    // RFC 3550 A.1, without the probation (SRTP already told us the source is real).
    const auto udelta = static_cast<std::uint16_t>(seq - max_seq_);
    if (udelta < limits::kMaxSeqDropout) {
        if (seq < max_seq_) cycles_ += kSeqMod;  // wrapped
        max_seq_ = seq;
    } else if (udelta <= kSeqMod - limits::kMaxSeqMisorder) {
        // A very large jump: restart only when the next packet follows it (a sender reset).
        if (seq != bad_seq_) {
            bad_seq_ = (seq + 1u) & (kSeqMod - 1);
            return false;
        }
        init(seq);
    }
    // else a duplicate or reordered packet: counted, no change to max_seq.
    ++received_;
    return true;
}

void ReceiveStats::on_packet(std::uint16_t seq,
                             std::uint32_t rtp_timestamp,
                             std::uint32_t arrival_rtp,
                             std::size_t bytes) {
    if (!started_) {
        started_ = true;
        init(seq);
        ++received_;
    } else if (!update_seq(seq)) {
        return;
    }
    bytes_ += bytes;
    // RFC 3550 A.8: J += (|D| - J) / 16, D the change in transit time.
    const std::uint32_t transit = arrival_rtp - rtp_timestamp;
    if (has_transit_) {
        const auto d = static_cast<std::int32_t>(transit - transit_);
        const std::uint32_t ad = d < 0 ? static_cast<std::uint32_t>(-static_cast<std::int64_t>(d))
                                       : static_cast<std::uint32_t>(d);
        jitter_q4_ += ad - ((jitter_q4_ + 8) >> 4);
    }
    has_transit_ = true;
    transit_ = transit;
}

std::int64_t ReceiveStats::expected() const {
    if (!started_) return 0;
    return std::int64_t{cycles_} + max_seq_ - base_seq_ + 1;
}

void ReceiveStats::on_sender_report(std::uint64_t ntp, Clock::time_point now) {
    has_sr_ = true;
    last_sr_ = ntp_middle(ntp);
    last_sr_at_ = now;
}

ReportBlock ReceiveStats::make_report_block(Clock::time_point now) {
    ReportBlock b;
    b.ssrc = ssrc_;
    if (started_) {
        const std::int64_t exp = expected();
        b.cumulative_lost = static_cast<std::int32_t>(std::clamp(lost(), kMinLost, kMaxLost));
        b.highest_seq = cycles_ + max_seq_;
        // RFC 3550 A.3: the fraction over the interval since the last report.
        const std::int64_t expected_interval = exp - expected_prior_;
        const std::int64_t received_interval =
            static_cast<std::int64_t>(received_ - received_prior_);
        const std::int64_t lost_interval = expected_interval - received_interval;
        expected_prior_ = exp;
        received_prior_ = received_;
        if (expected_interval > 0 && lost_interval > 0) {
            b.fraction_lost = static_cast<std::uint8_t>(
                std::min<std::int64_t>(255, (lost_interval << 8) / expected_interval));
        }
        b.jitter = jitter();
    }
    if (has_sr_) {
        b.lsr = last_sr_;
        // DLSR in 1/65536 s.
        const auto us =
            std::chrono::duration_cast<std::chrono::microseconds>(now - last_sr_at_).count();
        b.dlsr = static_cast<std::uint32_t>(std::max<std::int64_t>(0, us) * 65536 / 1000000);
    }
    return b;
}

}  // namespace nchat::webrtc
