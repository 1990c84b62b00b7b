#include "live/live_stream.hpp"

#include <boost/asio/post.hpp>

#include "live/limits.hpp"

namespace nchat::live {

LiveStream::LiveStream(net::any_io_executor ex,
                       std::string id,
                       std::chrono::milliseconds grace,
                       EndedFn on_ended)
    : strand_(net::make_strand(ex)),
      id_(std::move(id)),
      grace_(grace),
      on_ended_(std::move(on_ended)),
      grace_timer_(strand_) {}

void LiveStream::publish_tracks(std::vector<media::TrackInfo> tracks) {
    net::post(strand_, [self = shared_from_this(), tracks = std::move(tracks)]() mutable {
        if (self->ended_) return;
        self->tracks_ = std::move(tracks);
        // Packets of the old configuration cannot start a consumer on the new one.
        self->gop_.clear();
        self->gop_bytes_ = 0;
        for (auto& c : self->consumers_)
            c->on_tracks(self->tracks_);
    });
}

void LiveStream::publish_packet(media::MediaPacket p) {
    net::post(strand_, [self = shared_from_this(), p = std::move(p)]() mutable {
        if (self->ended_) return;
        auto& s = self->stats_;
        ++s.packets_in;
        s.bytes_in += p.data ? p.data->size() : 0;
        bool has_video = false;
        for (const auto& t : self->tracks_)
            has_video |= t.kind == media::TrackKind::video;
        bool is_video = p.track < self->tracks_.size() &&
                        self->tracks_[p.track].kind == media::TrackKind::video;
        if (is_video && p.keyframe) {
            ++s.keyframes;
            self->gop_.clear();
            self->gop_bytes_ = 0;
        }
        if (!has_video || !self->gop_.empty() || (is_video && p.keyframe)) {
            self->gop_bytes_ += p.data ? p.data->size() : 0;
            self->gop_.push_back(p);
            self->trim_gop();
        }
        // Plain calls on the strand: each consumer copes (bounded) or drops (counted).
        for (auto& c : self->consumers_)
            c->on_packet(p);
    });
}

void LiveStream::trim_gop() {
    bool has_video = false;
    for (const auto& t : tracks_)
        has_video |= t.kind == media::TrackKind::video;
    if (!has_video) {
        while (gop_.size() > limits::kAudioOnlyBacklog) {
            gop_bytes_ -= gop_.front().data ? gop_.front().data->size() : 0;
            gop_.erase(gop_.begin());
        }
        return;
    }
    if (gop_bytes_ > limits::kMaxGopBytes || gop_.size() > limits::kMaxGopPackets) {
        ++stats_.gop_overflows;
        gop_.clear();
        gop_bytes_ = 0;
    }
}

void LiveStream::publisher_started() {
    net::post(strand_, [self = shared_from_this()] {
        if (self->ended_) return;
        self->grace_timer_.cancel();
        if (self->stats_.publishes > 0) {
            // A reconnect: the new publisher's clock restarts and it resends its headers.
            self->gop_.clear();
            self->gop_bytes_ = 0;
            for (auto& c : self->consumers_)
                c->on_discontinuity();
        }
        ++self->stats_.publishes;
        self->publishing_ = true;
    });
}

void LiveStream::publisher_stopped() {
    net::post(strand_, [self = shared_from_this()] {
        if (self->ended_) return;
        self->publishing_ = false;
        self->keyframe_requester_ = nullptr;  // the next publisher registers its own
        self->grace_timer_.expires_after(self->grace_);
        self->grace_timer_.async_wait([self](const boost::system::error_code& ec) {
            if (ec || self->publishing_) return;  // cancelled: the publisher came back
            self->do_end();
        });
    });
}

void LiveStream::end() {
    net::post(strand_, [self = shared_from_this()] { self->do_end(); });
}

void LiveStream::do_end() {
    if (ended_) return;
    ended_ = true;
    grace_timer_.cancel();
    for (auto& c : consumers_)
        c->on_end();
    consumers_.clear();
    gop_.clear();
    keyframe_requester_ = nullptr;
    if (on_ended_) on_ended_(id_);
}

void LiveStream::set_keyframe_requester(std::function<void()> request) {
    net::post(strand_, [self = shared_from_this(), request = std::move(request)]() mutable {
        self->keyframe_requester_ = std::move(request);
    });
}

void LiveStream::request_keyframe() {
    net::post(strand_, [self = shared_from_this()] {
        if (self->keyframe_requester_ && !self->ended_) self->keyframe_requester_();
    });
}

void LiveStream::add_consumer(std::shared_ptr<Consumer> c) {
    net::post(strand_, [self = shared_from_this(), c = std::move(c)] {
        if (self->ended_) {
            c->on_end();
            return;
        }
        if (!self->tracks_.empty()) {
            c->on_tracks(self->tracks_);
            for (const auto& p : self->gop_)
                c->on_packet(p);
        }
        self->consumers_.push_back(c);
    });
}

void LiveStream::remove_consumer(const std::shared_ptr<Consumer>& c) {
    net::post(strand_, [self = shared_from_this(), c] { std::erase(self->consumers_, c); });
}

}  // namespace nchat::live
