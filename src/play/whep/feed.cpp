#include "play/whep/feed.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "media/h264.hpp"
#include "play/whep/viewer.hpp"
#include "util/crypto.hpp"
#include "util/log.hpp"
#include "webrtc/h264_packetizer.hpp"
#include "webrtc/opus_packetizer.hpp"
#include "webrtc/rtp_packet.hpp"

namespace nchat::play::whep {

namespace net = boost::asio;
using namespace std::chrono_literals;

namespace {

// RTP payloads stay under what every path carries with IP, UDP, SRTP and TURN overheads.
constexpr std::size_t kMaxPayload = 1100;
// Packets kept per SSRC for retransmission: ~1 s of 4 Mb/s video, what a NACK can still use.
constexpr std::size_t kHistory = 512;
constexpr auto kKeyframeRequestInterval = 500ms;
// Frames waiting for the UDP strand: ~30 video and ~50 audio frames a second, so 32 is ~0.4 s
// of media. More would only make the viewers later; when the strand falls this far behind the
// oldest frame is dropped (counted) instead.
constexpr std::size_t kMaxQueuedFrames = 32;
// Datagrams one turn of the fan-out sends before it yields the UDP strand (~2-3 ms at 5-6 µs
// each): the socket's reads and the other feeds' turns come in between.
constexpr std::size_t kDatagramsPerTurn = 512;
// Payload types are per viewer (their offers differ); the shared packets carry these and each
// viewer's copy is rewritten to its own.
constexpr std::uint8_t kVideoPt = 96, kAudioPt = 111;

std::uint32_t random_u32() {
    auto b = util::random_bytes(4);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           b[3];
}

// libsrtp guesses the rollover counter: sequence numbers start low so a new stream is far from
// the wrap (protocols.md §8, pitfalls).
std::uint16_t random_seq() {
    return static_cast<std::uint16_t>(random_u32() & 0x3fff);
}

}  // namespace

Feed::Feed(std::string stream_id,
           std::string rendition,
           std::shared_ptr<live::LiveStream> stream,
           webrtc::UdpServer& udp)
    : stream_id_(std::move(stream_id)),
      rendition_(std::move(rendition)),
      stream_(std::move(stream)),
      udp_(udp),
      video_seq_(random_seq()),
      audio_seq_(random_seq()),
      video_ssrc_(random_u32()),
      audio_ssrc_(random_u32()),
      queue_(kMaxQueuedFrames) {}

std::optional<FeedInfo> Feed::info() const {
    std::lock_guard lock(info_mutex_);
    return info_;
}

void Feed::on_tracks(const std::vector<media::TrackInfo>& tracks) {
    tracks_ = tracks;
    video_track_ = audio_track_ = -1;
    FeedInfo info;
    info.video_ssrc = video_ssrc_;
    info.audio_ssrc = audio_ssrc_;
    info.cname = stream_id_.substr(0, 16);
    for (std::size_t i = 0; i < tracks.size(); ++i) {
        const auto& t = tracks[i];
        if (t.kind == media::TrackKind::video && t.codec == media::Codec::h264 &&
            video_track_ < 0) {
            video_track_ = static_cast<int>(i);
            info.video = t;
            sps_.clear();
            pps_.clear();
            if (auto cfg = media::parse_avcc(t.extradata)) {
                if (!cfg->sps.empty()) sps_ = cfg->sps.front();
                if (!cfg->pps.empty()) pps_ = cfg->pps.front();
            }
        }
        if (t.kind == media::TrackKind::audio && audio_track_ < 0) {
            audio_track_ = static_cast<int>(i);
            to_opus_.reset();
            if (t.codec == media::Codec::opus) {
                info.audio = t;
            } else {
                std::string why;
                to_opus_ = transcode::AudioConverter::open(t, media::Codec::opus, why);
                if (to_opus_) {
                    info.audio = to_opus_->track();
                } else {
                    util::logger("whep")->warn("stream={} no audio for WebRTC viewers: {}",
                                               stream_id_, why);
                }
            }
        }
    }
    std::lock_guard lock(info_mutex_);
    info_ = std::move(info);
}

void Feed::on_discontinuity() {
    // The publisher came back: its clock restarts. Our RTP timestamps must keep rising for the
    // viewers' jitter buffers, so the next packets are placed just after the last ones.
    rebase_video_ = rebase_audio_ = true;
}

void Feed::on_end() {
    net::post(udp_.strand(), [self = shared_from_this()] {
        self->ended_ = true;
        for (auto& w : self->viewers_)
            if (auto v = w.lock()) v->stream_ended();
        self->viewers_.clear();
    });
}

std::vector<OutPacket> Feed::packetize_video(const media::MediaPacket& p) {
    // WebRTC decoders want the parameter sets with every keyframe; a WHIP source already has
    // them in band (possibly newer than avcC after a resolution change), an RTMP one does not.
    bool in_band = false;
    media::for_each_nal(*p.data, [&](std::span<const std::uint8_t> nal) {
        in_band |= !nal.empty() && (nal[0] & 0x1f) == 7;
        return !in_band;
    });
    std::span<const std::uint8_t> sps, pps;
    if (p.keyframe && !in_band) {
        sps = sps_;
        pps = pps_;
    }
    if (rebase_video_) {
        rebase_video_ = false;
        video_ts_offset_ = static_cast<std::int64_t>(last_video_ts_) + 3000 - p.pts;  // +1/30 s
    }
    auto payloads = webrtc::packetize_h264(*p.data, sps, pps, p.keyframe, kMaxPayload);
    std::vector<OutPacket> out;
    out.reserve(payloads.size());
    const auto ts = static_cast<std::uint32_t>(p.pts + video_ts_offset_);
    last_video_ts_ = ts;
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        webrtc::RtpHeaderFields h{payloads[i].marker, kVideoPt, video_seq_++, ts, video_ssrc_};
        auto bytes = webrtc::write_rtp(h, {}, payloads[i].bytes);
        out.push_back({std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes)), true,
                       p.keyframe && i == 0, ts});
    }
    return out;
}

void Feed::on_packet(const media::MediaPacket& p) {
    if (!p.data) return;
    const int track = static_cast<int>(p.track);
    if (track == video_track_) {
        video_seen_.fetch_add(1, std::memory_order_relaxed);
        if (p.pts != p.dts) bframes_.store(true, std::memory_order_relaxed);
        auto batch = packetize_video(p);
        if (!batch.empty()) fan_out(std::move(batch), true);
        return;
    }
    if (track != audio_track_) return;
    if (tracks_[track].codec == media::Codec::opus) {
        send_opus(p);
        return;
    }
    std::vector<media::MediaPacket> opus;
    if (!to_opus_ || !to_opus_->push(p, opus)) {
        skipped_audio_.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    for (const auto& o : opus)
        send_opus(o);
}

void Feed::send_opus(const media::MediaPacket& p) {
    if (rebase_audio_) {
        rebase_audio_ = false;
        audio_ts_offset_ = static_cast<std::int64_t>(last_audio_ts_) + 960 - p.pts;  // +20 ms
    }
    const auto ts = static_cast<std::uint32_t>(p.pts + audio_ts_offset_);
    last_audio_ts_ = ts;
    webrtc::RtpHeaderFields h{false, kAudioPt, audio_seq_++, ts, audio_ssrc_};
    auto payload = webrtc::packetize_opus(*p.data);
    auto bytes = webrtc::write_rtp(h, {}, payload.bytes);
    std::vector<OutPacket> batch;
    batch.push_back(
        {std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes)), false, false, ts});
    fan_out(std::move(batch), false);
}

void Feed::fan_out(std::vector<OutPacket> batch, bool video) {
    if (!queue_.push({std::move(batch), video})) return;  // a turn is already coming
    net::post(udp_.strand(), [self = shared_from_this()] { self->send_turn(); });
}

void Feed::start_frame(QueuedFrame f) {
    const auto now = Clock::now();
    ++stats_.frames;
    const std::uint32_t ssrc = f.video ? video_ssrc_ : audio_ssrc_;
    auto& hist = history_[ssrc];
    for (const auto& p : f.packets) {
        const auto seq = static_cast<std::uint16_t>(((*p.rtp)[2] << 8) | (*p.rtp)[3]);
        hist.emplace_back(seq, p.rtp);
        if (hist.size() > kHistory) hist.pop_front();
    }
    if (!f.packets.empty())
        last_sent_[ssrc] = {f.packets.back().rtp_timestamp, now, f.video ? 90000u : 48000u};
    stats_.packets += f.packets.size();
    std::erase_if(viewers_, [](const std::weak_ptr<Viewer>& w) { return w.expired(); });
    targets_ = viewers_;
    next_target_ = 0;
    sending_ = std::move(f);
}

void Feed::send_turn() {
    std::size_t budget = kDatagramsPerTurn;
    for (;;) {
        if (!sending_) {
            auto f = queue_.pop();
            if (!f) {
                udp_.flush();
                return;  // idle until the next frame's push posts a turn
            }
            const auto dropped = queue_.take_dropped();
            if (dropped.video > 0 || dropped.audio > 0) {
                for (auto& w : viewers_)
                    if (auto v = w.lock()) v->frames_dropped(dropped.video, dropped.audio);
                if (dropped.video > 0) keyframe_wanted();  // the viewers resume at the next one
            }
            start_frame(std::move(*f));
        }
        // Viewer by viewer, each taking the whole frame: a viewer's packets lie side by side
        // in the send batch, which UDP GSO can send as one message per viewer.
        const auto& packets = sending_->packets;
        while (next_target_ < targets_.size() && budget > 0) {
            if (auto v = targets_[next_target_].lock()) v->send(packets);
            ++next_target_;
            budget -= std::min(budget, std::max<std::size_t>(packets.size(), 1));
        }
        if (next_target_ == targets_.size()) {
            sending_.reset();
            targets_.clear();
        }
        if (budget == 0) break;
    }
    udp_.flush();
    net::post(udp_.strand(), [self = shared_from_this()] { self->send_turn(); });
}

void Feed::detach() {
    if (auto s = stream_.lock()) s->remove_consumer(shared_from_this());
}

void Feed::add(const std::shared_ptr<Viewer>& v) {
    viewers_.push_back(v);
    keyframe_wanted();
}

void Feed::remove(const Viewer* v) {
    std::erase_if(viewers_, [&](const std::weak_ptr<Viewer>& w) {
        auto p = w.lock();
        return !p || p.get() == v;
    });
}

std::shared_ptr<const std::vector<std::uint8_t>> Feed::history(std::uint32_t ssrc,
                                                               std::uint16_t seq) const {
    auto it = history_.find(ssrc);
    if (it == history_.end()) return nullptr;
    for (auto h = it->second.rbegin(); h != it->second.rend(); ++h)
        if (h->first == seq) return h->second;
    return nullptr;
}

void Feed::keyframe_wanted() {
    const auto now = Clock::now();
    if (now - last_keyframe_request_ < kKeyframeRequestInterval) return;
    last_keyframe_request_ = now;
    ++stats_.keyframe_requests;
    if (auto s = stream_.lock()) s->request_keyframe();
}

FeedStats Feed::stats() const {
    FeedStats s = stats_;
    const auto q = queue_.stats();
    s.dropped_video_frames = q.dropped_video;
    s.dropped_audio_frames = q.dropped_audio;
    s.max_queued_frames = q.max_depth;
    return s;
}

std::optional<std::uint32_t> Feed::rtp_now(std::uint32_t ssrc, Clock::time_point now) const {
    auto it = last_sent_.find(ssrc);
    if (it == last_sent_.end()) return std::nullopt;
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - it->second.at);
    return it->second.rtp_timestamp +
           static_cast<std::uint32_t>(us.count() * it->second.clock / 1'000'000);
}

}  // namespace nchat::play::whep
