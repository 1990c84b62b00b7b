#include "ingest/whip/session.hpp"

#include <boost/asio/post.hpp>

#include "util/crypto.hpp"
#include "util/log.hpp"
#include "webrtc/rtcp.hpp"

namespace nchat::ingest::whip {

namespace net = boost::asio;
using namespace std::chrono_literals;

namespace {

auto log() {
    return util::logger("whip");
}

// How often the session looks at its tracks: releases what the reorder buffers hold, NACKs,
// sends transport feedback. 10 ms keeps the added delay small against a 33 ms frame.
constexpr auto kTick = 10ms;
constexpr auto kReportInterval = 1s;      // receiver reports (RFC 3550 §6.2, a small session)
constexpr auto kPliInterval = 500ms;      // at most one keyframe request per this, per track
constexpr auto kFeedbackInterval = 50ms;  // transport-wide CC feedback, as browsers expect it
// What REMB announces when the browser offers no transport-cc: the ladder's top rung with
// headroom, so a 720p camera is not held at the 300 kb/s a browser starts from.
constexpr std::uint64_t kRembBitrate = 6'000'000;

constexpr std::string_view kTransportCcUri =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

std::uint32_t random_ssrc() {
    auto b = util::random_bytes(4);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           b[3];
}

}  // namespace

Session::Session(std::string id,
                 webrtc::Negotiated negotiated,
                 PublishGrant grant,
                 std::uint64_t publisher,
                 PublishAuthorizer& auth,
                 std::chrono::milliseconds keyframe_interval,
                 SessionEvents events)
    : id_(std::move(id)),
      negotiated_(std::move(negotiated)),
      grant_(std::move(grant)),
      publisher_(publisher),
      auth_(auth),
      keyframe_interval_(keyframe_interval),
      events_(std::move(events)),
      our_ssrc_(random_ssrc()) {
    bool offered_cc = false;
    // Video first: the LiveStream's track 0 is the picture, as with RTMP.
    for (const auto* kind : {"video", "audio"}) {
        for (const auto& m : negotiated_.media) {
            if (!m.accepted || m.kind != kind) continue;
            tracks_.push_back(std::make_unique<TrackReceiver>(m));
            for (const auto& e : m.extmaps)
                if (e.uri == kTransportCcUri) twcc_id_ = e.id;
            for (const auto& fb : m.rtcp_fb)
                offered_cc |= fb == "transport-cc";
        }
    }
    twcc_ = offered_cc && twcc_id_ != 0;
    last_pli_.resize(tracks_.size());
    last_keyframe_.resize(tracks_.size());
}

Session::~Session() = default;

void Session::start(std::shared_ptr<webrtc::Transport> transport, net::any_io_executor strand) {
    transport_ = std::move(transport);
    tick_timer_.emplace(strand);
    grant_.stream->publisher_started();
    // WebRTC viewers joining ask for a keyframe through the stream (PLI on the next tick).
    grant_.stream->set_keyframe_requester([w = weak_from_this(), strand] {
        net::post(strand, [w] {
            if (auto self = w.lock()) self->keyframe_asked_ = true;
        });
    });
    arm_tick();
}

void Session::on_transport_connected() {
    stats_.connected = true;
    log()->info("stream={} session={} WebRTC connected ({} tracks)", grant_.stream_id, id_,
                tracks_.size());
}

void Session::on_rtp(webrtc::RtpPacket p) {
    if (ended_) return;
    const auto now = Clock::now();
    if (!epoch_) epoch_ = now;
    ++stats_.packets;
    stats_.bytes += p.bytes.size();
    rate_bytes_ += p.bytes.size();
    if (twcc_) {
        if (auto ext = p.extension(twcc_id_); ext && ext->size() >= 2) {
            const auto seq = static_cast<std::uint16_t>(((*ext)[0] << 8) | (*ext)[1]);
            const auto us =
                std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch());
            twcc_recorder_.record(seq, us.count());
        }
    }
    for (auto& t : tracks_) {
        if (t->accepts(p.payload_type)) {
            t->push(std::move(p), now, *epoch_);
            return;
        }
    }
    ++stats_.unknown_payload;  // an RTX or FEC stream we did not accept, or a stray PT
}

void Session::on_rtcp(std::span<const std::uint8_t> compound) {
    auto items = webrtc::parse_rtcp(compound);
    if (!items) return;
    const auto now = Clock::now();
    for (const auto& item : *items) {
        if (const auto* sr = std::get_if<webrtc::SenderReport>(&item)) {
            for (auto& t : tracks_)
                if (t->ssrc() == sr->ssrc) t->on_sender_report(*sr, now);
        }
    }
}

void Session::on_transport_closed(std::string_view why) {
    end(why);
}

void Session::arm_tick() {
    tick_timer_->expires_after(kTick);
    tick_timer_->async_wait([w = weak_from_this()](boost::system::error_code ec) {
        auto self = w.lock();
        if (ec || !self || self->ended_) return;
        self->tick();
        if (!self->ended_) self->arm_tick();
    });
}

void Session::tick() {
    const auto now = Clock::now();
    if (grant_.stream->ended()) {  // ended through the API (POST /end): hang up
        stop("the stream was ended");
        return;
    }
    // Depacketize first: the parameter sets that describe a keyframe arrive with it.
    std::vector<std::vector<TrackReceiver::Output>> ready(tracks_.size());
    for (std::size_t i = 0; i < tracks_.size(); ++i)
        ready[i] = tracks_[i]->drain(now);
    if (!announced_) {
        // Announced once, from the first parameter sets: later ones travel in band with their
        // keyframes (TrackReceiver), so a browser's resolution changes do not restart the
        // ladder.
        infos_.resize(tracks_.size());
        for (std::size_t i = 0; i < tracks_.size(); ++i)
            if (auto info = tracks_[i]->info()) infos_[i] = std::move(*info);
        announce_tracks();
    }
    for (std::size_t i = 0; i < tracks_.size(); ++i) {
        auto& t = *tracks_[i];
        if (announced_) {
            for (auto& o : ready[i]) {
                if (o.keyframe) last_keyframe_[i] = now;
                media::MediaPacket p;
                p.track = static_cast<std::uint32_t>(i);
                p.dts = p.pts = o.dts;
                p.keyframe = o.keyframe;
                p.data = std::make_shared<const std::vector<std::uint8_t>>(std::move(o.data));
                ++stats_.frames;
                if (p.keyframe && t.kind() == media::TrackKind::video) ++stats_.keyframes;
                grant_.stream->publish_packet(std::move(p));
            }
        }
        if (!transport_ || !transport_->connected()) continue;
        if (auto nacks = t.nacks_due(now); !nacks.empty()) {
            ++stats_.nacks_sent;
            transport_->send_rtcp(webrtc::build_nack(our_ssrc_, t.ssrc(), nacks));
        }
        if (t.kind() == media::TrackKind::video && t.ssrc() != 0) request_keyframe(i, now);
    }
    send_feedback(now);
    if (now - last_rate_ >= 1s) {
        const auto secs = std::chrono::duration<double>(now - last_rate_).count();
        stats_.bitrate_bps = last_rate_ == Clock::time_point{}
                                 ? 0
                                 : static_cast<std::uint64_t>(rate_bytes_ * 8 / secs);
        rate_bytes_ = 0;
        last_rate_ = now;
        if (events_.stats) events_.stats(stats());
    }
}

void Session::request_keyframe(std::size_t i, Clock::time_point now) {
    auto& t = *tracks_[i];
    if (last_pli_[i] == Clock::time_point{}) {
        // The first packets: a sender starts with a keyframe; give it time before asking.
        last_pli_[i] = now;
        return;
    }
    if (now - last_pli_[i] < kPliInterval) return;
    // A broken picture (loss, start) needs a keyframe now. Otherwise a browser sends keyframes
    // only when asked, so we ask once per segment: the source's GOP is then the segment target,
    // the top rung passes through and every rendition cuts on the same frames (docs/webrtc.md).
    const bool broken = t.wants_keyframe() || keyframe_asked_;
    // Asked when the interval has passed since the last keyframe *arrived*: that one was
    // captured earlier still, so the next is at least an interval after it and the packager,
    // which cuts at the first keyframe past the segment target, cuts on every one.
    const bool due =
        last_keyframe_[i] != Clock::time_point{} && now - last_keyframe_[i] >= keyframe_interval_;
    if (!broken && !due) return;
    last_pli_[i] = now;
    keyframe_asked_ = false;
    ++stats_.plis_sent;
    transport_->send_rtcp(webrtc::build_pli(our_ssrc_, t.ssrc()));
}

void Session::announce_tracks() {
    // Every track must be known before the first packet: the packager's init segment and the
    // transcoder's decoders are made from the whole set.
    if (infos_.size() < tracks_.size()) return;
    for (const auto& i : infos_)
        if (i.extradata.empty()) return;
    grant_.stream->publish_tracks(infos_);
    announced_ = true;
    for (const auto& i : infos_)
        if (i.kind == media::TrackKind::video)
            stats_.video_codec = "H264 " + std::to_string(i.width) + "x" + std::to_string(i.height);
}

void Session::send_feedback(Clock::time_point now) {
    if (!transport_ || !transport_->connected()) return;
    if (twcc_ && now - last_feedback_ >= kFeedbackInterval) {
        last_feedback_ = now;
        const std::uint32_t media = tracks_.empty() ? 0 : tracks_.front()->ssrc();
        for (auto& fb : twcc_recorder_.take_feedback(our_ssrc_, media))
            transport_->send_rtcp(std::move(fb));
    }
    if (now - last_report_ < kReportInterval) return;
    last_report_ = now;
    std::vector<webrtc::ReportBlock> blocks;
    std::vector<std::uint32_t> ssrcs;
    for (auto& t : tracks_) {
        if (auto b = t->report_block(now)) {
            blocks.push_back(*b);
            ssrcs.push_back(t->ssrc());
        }
    }
    if (blocks.empty()) return;
    auto rr = webrtc::build_receiver_report(our_ssrc_, blocks);
    if (!twcc_) {
        auto remb = webrtc::build_remb(our_ssrc_, kRembBitrate, ssrcs);
        rr.insert(rr.end(), remb.begin(), remb.end());
    }
    transport_->send_rtcp(std::move(rr));
}

SessionStats Session::stats() const {
    SessionStats s = stats_;
    s.stream_id = grant_.stream_id;
    s.session_id = id_;
    if (transport_) s.ice = transport_->ice_protocol();
    for (const auto& t : tracks_)
        (t->kind() == media::TrackKind::video ? s.video : s.audio) = t->counters();
    return s;
}

void Session::stop(std::string_view why) {
    if (transport_) transport_->close();
    end(why);
}

void Session::end(std::string_view why) {
    if (ended_) return;
    ended_ = true;
    if (tick_timer_) tick_timer_->cancel();
    log()->info("stream={} session={} publish ended: {}", grant_.stream_id, id_, why);
    // As when an RTMP publisher drops: the stream waits out its grace period for a reconnect.
    grant_.stream->publisher_stopped();
    auth_.unpublished(grant_.stream_id, publisher_);
    if (events_.ended) events_.ended(id_, why);
}

}  // namespace nchat::ingest::whip
