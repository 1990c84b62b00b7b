#include "play/whep/viewer.hpp"

#include <variant>

#include "util/log.hpp"
#include "webrtc/rtcp.hpp"

namespace nchat::play::whep {

namespace net = boost::asio;
using namespace std::chrono_literals;

namespace {

auto log() {
    return util::logger("whep");
}

constexpr auto kReportInterval = 1s;

}  // namespace

Viewer::Viewer(std::string id, std::shared_ptr<Feed> feed, Media media, EndedFn on_ended)
    : id_(std::move(id)), feed_(std::move(feed)), media_(media), on_ended_(std::move(on_ended)) {
    stats_.session_id = id_;
}

Viewer::~Viewer() = default;

void Viewer::start(std::shared_ptr<webrtc::Transport> transport, net::any_io_executor strand) {
    transport_ = std::move(transport);
    report_timer_.emplace(strand);
    arm_reports();
}

void Viewer::on_transport_connected() {
    stats_.connected = true;
    // From now on it gets packets; video starts at the next keyframe, asked for at once.
    feed_->add(shared_from_this());
    log()->info("stream={} session={} WHEP viewer connected", feed_->stream_id(), id_);
}

void Viewer::send(const std::vector<OutPacket>& batch) {
    if (ended_ || !transport_ || !transport_->connected()) return;
    for (const auto& p : batch) {
        if (p.video) {
            if (!media_.video) return;
            if (!keyframe_seen_) {
                if (!p.starts_keyframe) {
                    ++stats_.waited_for_keyframe;
                    continue;
                }
                keyframe_seen_ = true;
            }
        } else if (!media_.audio) {
            return;
        }
        send_one(*p.rtp, p.video);
    }
}

void Viewer::frames_dropped(std::uint64_t video, std::uint64_t audio) {
    if (ended_) return;
    stats_.dropped_frames += (media_.video ? video : 0) + (media_.audio ? audio : 0);
    // Later frames refer to the lost one: a decoder would show corruption until the next IDR.
    if (media_.video && video > 0) keyframe_seen_ = false;
}

void Viewer::send_one(const std::vector<std::uint8_t>& rtp, bool video) {
    // SRTP keys are per viewer, the rest is shared: the packet is copied once, into the UDP
    // server's send batch, rewritten to this viewer's payload type and protected there.
    const std::size_t n = rtp.size();
    if (!transport_->queue_rtp(rtp, video ? media_.video_pt : media_.audio_pt)) return;
    ++stats_.packets_sent;
    stats_.bytes_sent += n;
    const auto payload = static_cast<std::uint32_t>(n - 12);
    if (video) {
        ++video_packets_;
        video_octets_ += payload;
    } else {
        ++audio_packets_;
        audio_octets_ += payload;
    }
}

void Viewer::on_rtcp(std::span<const std::uint8_t> compound) {
    auto items = webrtc::parse_rtcp(compound);
    if (!items) return;
    const auto info = feed_->info();
    for (const auto& item : *items) {
        if (const auto* nack = std::get_if<webrtc::Nack>(&item)) {
            ++stats_.nacks;
            for (auto seq : nack->lost) {
                auto p = feed_->history(nack->media_ssrc, seq);
                if (!p) continue;
                ++stats_.retransmitted;
                send_one(*p, info && nack->media_ssrc == info->video_ssrc);
            }
        } else if (std::holds_alternative<webrtc::Pli>(item) ||
                   std::holds_alternative<webrtc::Fir>(item)) {
            ++stats_.plis;
            feed_->keyframe_wanted();
        } else if (const auto* rr = std::get_if<webrtc::ReceiverReport>(&item)) {
            for (const auto& b : rr->blocks) {
                if (!info || b.ssrc != info->video_ssrc) continue;
                stats_.fraction_lost = b.fraction_lost / 256.0;
                stats_.cumulative_lost = b.cumulative_lost;
                stats_.jitter_ms = b.jitter / 90.0;
                const auto now_ntp = webrtc::to_ntp(std::chrono::system_clock::now());
                if (auto rtt = webrtc::rtt_from_report_block(b, webrtc::ntp_middle(now_ntp)))
                    stats_.rtt_ms = rtt->count() / 1000.0;
            }
        }
    }
}

void Viewer::arm_reports() {
    report_timer_->expires_after(kReportInterval);
    report_timer_->async_wait([w = weak_from_this()](boost::system::error_code ec) {
        auto self = w.lock();
        if (ec || !self || self->ended_) return;
        self->send_reports();
        self->arm_reports();
    });
}

void Viewer::send_reports() {
    if (!transport_ || !transport_->connected()) return;
    const auto info = feed_->info();
    if (!info) return;
    // One SR per SSRC we send on, mapping its RTP clock to wall time (RFC 3550 §6.4.1): the
    // browser lines audio up with video by them and measures RTT from our LSR.
    const auto now = std::chrono::steady_clock::now();
    const auto ntp = webrtc::to_ntp(std::chrono::system_clock::now());
    std::vector<std::uint8_t> compound;
    const auto add = [&](bool on, std::uint32_t ssrc, std::uint32_t packets, std::uint32_t octets) {
        if (!on) return;
        auto ts = feed_->rtp_now(ssrc, now);
        if (!ts) return;
        webrtc::SenderReport sr;
        sr.ssrc = ssrc;
        sr.ntp = ntp;
        sr.rtp_timestamp = *ts;
        sr.packet_count = packets;
        sr.octet_count = octets;
        auto b = webrtc::build_sender_report(sr);
        compound.insert(compound.end(), b.begin(), b.end());
    };
    add(media_.video && keyframe_seen_, info->video_ssrc, video_packets_, video_octets_);
    add(media_.audio, info->audio_ssrc, audio_packets_, audio_octets_);
    if (!compound.empty()) transport_->send_rtcp(std::move(compound));
}

ViewerStats Viewer::stats() const {
    ViewerStats s = stats_;
    if (transport_) s.ice = transport_->ice_protocol();
    return s;
}

void Viewer::stream_ended() {
    stop("the stream ended");
}

void Viewer::stop(std::string_view why) {
    if (transport_) transport_->close();
    end(why);
}

void Viewer::on_transport_closed(std::string_view why) {
    end(why);
}

void Viewer::end(std::string_view why) {
    if (ended_) return;
    ended_ = true;
    if (report_timer_) report_timer_->cancel();
    feed_->remove(this);
    log()->info("stream={} session={} WHEP viewer left: {}", feed_->stream_id(), id_, why);
    if (on_ended_) on_ended_(id_, why);
}

}  // namespace nchat::play::whep
