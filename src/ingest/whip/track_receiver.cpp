#include "ingest/whip/track_receiver.hpp"

#include <algorithm>

#include "ingest/whip/track_info.hpp"
#include "media/h264.hpp"
#include "util/byte_reader.hpp"

namespace nchat::ingest::whip {

namespace {

// The access unit as packets carry it, minus access unit delimiters (9), which mean nothing in
// a file. A keyframe always carries its SPS and PPS in band (the depacketizer's latest when the
// sender put them in packets of their own): a WebRTC sender changes resolution as its CPU and
// bandwidth vary, and the decoder (or a player) must see the new parameter sets with the IDR
// that needs them; the tracks announced to the LiveStream stay those of the first keyframe, so
// the ladder does not restart on every change (docs/webrtc.md).
std::vector<std::uint8_t> access_unit(std::span<const std::uint8_t> avcc4,
                                      bool keyframe,
                                      std::span<const std::uint8_t> sps,
                                      std::span<const std::uint8_t> pps) {
    std::vector<std::uint8_t> out;
    out.reserve(avcc4.size() + sps.size() + pps.size() + 8);
    util::ByteWriter w(out);
    bool has_sps = false;
    media::for_each_nal(avcc4, [&](std::span<const std::uint8_t> nal) {
        has_sps |= !nal.empty() && (nal[0] & 0x1f) == 7;
        return true;
    });
    if (keyframe && !has_sps && !sps.empty() && !pps.empty()) {
        for (auto nal : {sps, pps}) {
            w.u32(static_cast<std::uint32_t>(nal.size()));
            w.bytes(nal);
        }
    }
    bool has_slice = false;
    media::for_each_nal(avcc4, [&](std::span<const std::uint8_t> nal) {
        const int type = nal.empty() ? 9 : (nal[0] & 0x1f);
        if (type == 9) return true;
        has_slice |= type >= 1 && type <= 5;
        w.u32(static_cast<std::uint32_t>(nal.size()));
        w.bytes(nal);
        return true;
    });
    if (!has_slice) out.clear();  // parameter sets alone: no picture
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
                      static_cast<std::uint32_t>(
                          arrival.count() * static_cast<std::int64_t>(clock_rate()) / 1'000'000),
                      p.bytes.size());
    reorder_.push(std::move(p), now);
}

std::vector<TrackReceiver::Output> TrackReceiver::drain(Clock::time_point now) {
    std::vector<Output> out;
    for (auto& r : reorder_.pop(now)) {
        // Padding-only packets (a browser probing for bandwidth) hold sequence numbers but no
        // media: they must neither end nor break an access unit. A loss before one belongs to
        // the next packet that carries media.
        if (r.packet.payload().empty()) {
            gap_pending_ |= r.gap_before;
            continue;
        }
        const bool gap = r.gap_before || gap_pending_;
        gap_pending_ = false;
        auto frame = std::visit([&](auto& d) { return d.push(r.packet, gap); }, depacketizer_);
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
    if (const auto* h = std::get_if<webrtc::H264Depacketizer>(&depacketizer_)) {
        o.data = access_unit(f.data, f.keyframe, h->sps(), h->pps());
        if (o.data.empty()) return std::nullopt;
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

std::optional<media::TrackInfo> TrackReceiver::info() const {
    const auto* h = std::get_if<webrtc::H264Depacketizer>(&depacketizer_);
    if (!h) return opus_track();
    if (h->sps().empty() || h->pps().empty()) return std::nullopt;
    return h264_track(h->sps(), h->pps());
}

TrackCounters TrackReceiver::counters() const {
    TrackCounters c = counters_;
    const auto& r = reorder_.counters();
    c.lost = r.lost;
    c.recovered = r.recovered;
    c.nacked = r.nacks;
    c.late = r.too_late + r.duplicates;
    const auto& d = std::visit(
        [](const auto& x) -> const webrtc::DepacketizerCounters& { return x.counters(); },
        depacketizer_);
    c.frames_dropped = d.dropped_incomplete + d.dropped_need_keyframe + d.malformed;
    if (stats_ && clock_rate() > 0) c.jitter_ms = 1000.0 * stats_->jitter() / clock_rate();
    return c;
}

std::optional<webrtc::ReportBlock> TrackReceiver::report_block(Clock::time_point now) {
    if (!stats_) return std::nullopt;
    return stats_->make_report_block(now);
}

void TrackReceiver::on_sender_report(const webrtc::SenderReport& sr, Clock::time_point now) {
    if (stats_) stats_->on_sender_report(sr.ntp, now);
}

}  // namespace nchat::ingest::whip
