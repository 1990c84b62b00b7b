#include "ingest/whip/track_receiver.hpp"

#include <algorithm>

#include "ingest/whip/track_info.hpp"
#include "media/h264.hpp"
#include "util/byte_reader.hpp"

namespace nchat::ingest::whip {

namespace {

// AVCC4 without the NAL units that live in avcC or mean nothing in a file: SPS (7), PPS (8)
// and access unit delimiters (9). SEI and slices stay.
std::vector<std::uint8_t> strip_parameter_sets(std::span<const std::uint8_t> avcc4) {
    std::vector<std::uint8_t> out;
    out.reserve(avcc4.size());
    util::ByteWriter w(out);
    media::for_each_nal(avcc4, [&](std::span<const std::uint8_t> nal) {
        const int type = nal.empty() ? 0 : (nal[0] & 0x1f);
        if (type != 7 && type != 8 && type != 9 && !nal.empty()) {
            w.u32(static_cast<std::uint32_t>(nal.size()));
            w.bytes(nal);
        }
        return true;
    });
    return out;
}

}  // namespace

TrackReceiver::TrackReceiver(const webrtc::MediaChoice& choice)
    : choice_(choice),
      kind_(choice.kind == "video" ? media::TrackKind::video : media::TrackKind::audio) {
    if (kind_ == media::TrackKind::audio) depacketizer_.emplace<webrtc::OpusDepacketizer>();
}

void TrackReceiver::push(webrtc::RtpPacket p, Clock::time_point now, Clock::time_point epoch) {
    ++counters_.packets;
    counters_.bytes += p.bytes.size();
    if (!timed_) {
        timed_ = true;
        ssrc_ = p.ssrc;
        last_ts_ = p.timestamp;
        first_ts_ = last_ext_ts_ = p.timestamp;
        const auto since = std::chrono::duration_cast<std::chrono::microseconds>(now - epoch);
        offset_ = since.count() * static_cast<std::int64_t>(clock_rate()) / 1'000'000;
        stats_.emplace(p.ssrc);
    }
    const auto arrival = std::chrono::duration_cast<std::chrono::microseconds>(now - epoch);
    stats_->on_packet(p.sequence, p.timestamp,
                      static_cast<std::uint32_t>(arrival.count() *
                                                 static_cast<std::int64_t>(clock_rate()) / 1'000'000),
                      p.bytes.size());
    reorder_.push(std::move(p), now);
}

std::vector<TrackReceiver::Output> TrackReceiver::drain(Clock::time_point now) {
    std::vector<Output> out;
    for (auto& r : reorder_.pop(now)) {
        if (r.gap_before) ++counters_.lost;
        auto frame = std::visit([&](auto& d) { return d.push(r.packet, r.gap_before); },
                                depacketizer_);
        if (!frame) continue;
        if (auto o = frame_out(*frame)) out.push_back(std::move(*o));
    }
    return out;
}

std::optional<TrackReceiver::Output> TrackReceiver::frame_out(const webrtc::DepacketizedFrame& f) {
    // Unwrap the 32-bit RTP clock (it may start anywhere and wrap in 13 h at 90 kHz).
    last_ext_ts_ += static_cast<std::int32_t>(f.rtp_timestamp - last_ts_);
    last_ts_ = f.rtp_timestamp;
    std::int64_t dts = offset_ + (last_ext_ts_ - first_ts_);
    // A packager needs rising times; a frame stamped before the last (a sender's clock step)
    // takes the next tick.
    if (dts <= last_dts_) dts = last_dts_ + 1;
    Output o;
    o.dts = dts;
    o.keyframe = f.keyframe;
    if (kind_ == media::TrackKind::video) {
        o.data = strip_parameter_sets(f.data);
        if (o.data.empty()) return std::nullopt;  // parameter sets alone: no picture
    } else {
        o.data = f.data;
    }
    last_dts_ = dts;
    ++counters_.frames;
    if (o.keyframe && kind_ == media::TrackKind::video) ++counters_.keyframes;
    return o;
}

std::vector<std::uint16_t> TrackReceiver::nacks_due(Clock::time_point now) {
    // Without an RTT measurement of our own (we only receive), 50 ms spaces the retries: the
    // loopback and LAN paths this serves first answer well within it.
    return reorder_.nacks_due(now, std::chrono::milliseconds(50));
}

bool TrackReceiver::wants_keyframe() const {
    const auto* h = std::get_if<webrtc::H264Depacketizer>(&depacketizer_);
    return h && (h->needs_keyframe() || counters_.keyframes == 0);
}

std::optional<media::TrackInfo> TrackReceiver::info(bool& changed) {
    changed = false;
    const auto* h = std::get_if<webrtc::H264Depacketizer>(&depacketizer_);
    if (!h) {
        changed = announced_sps_.empty();
        announced_sps_ = {1};  // Opus: announced once
        return opus_track();
    }
    if (h->sps().empty() || h->pps().empty()) return std::nullopt;
    auto t = h264_track(h->sps(), h->pps());
    if (!t) return std::nullopt;
    if (h->sps() != announced_sps_ || h->pps() != announced_pps_) {
        announced_sps_ = h->sps();
        announced_pps_ = h->pps();
        changed = true;
    }
    return t;
}

std::optional<webrtc::ReportBlock> TrackReceiver::report_block(Clock::time_point now) {
    if (!stats_) return std::nullopt;
    return stats_->make_report_block(now);
}

void TrackReceiver::on_sender_report(const webrtc::SenderReport& sr, Clock::time_point now) {
    if (stats_) stats_->on_sender_report(sr.ntp, now);
}

}  // namespace nchat::ingest::whip
