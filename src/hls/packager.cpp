#include "hls/packager.hpp"

#include <cmath>

#include "hls/playlist.hpp"

namespace nchat::hls {

namespace {
// A reader that never comes back must not pin memory: at most this many held requests.
constexpr std::size_t kMaxWaiters = 10'000;
}  // namespace

Packager::Packager(boost::asio::any_io_executor stream_strand,
                   util::Clock& clock,
                   RenditionConfig config)
    : strand_(std::move(stream_strand)), clock_(clock), config_(config) {}

void Packager::on_tracks(const std::vector<media::TrackInfo>& tracks) {
    if (ended_) return;
    if (!rendition_) {
        rendition_.emplace(tracks, config_);
    } else {
        // A reconnect or a new codec configuration: a new init segment and a discontinuity.
        rendition_->discontinuity(tracks);
        rebase_ = true;
    }
    wake_all();
}

void Packager::on_discontinuity() {
    // The tracks follow (the new publisher resends its sequence headers): on_tracks starts the
    // new period. Until then its packets would belong to the old one: the rebase waits too.
    rebase_ = true;
}

void Packager::on_packet(const media::MediaPacket& p) {
    if (ended_ || !rendition_ || p.track >= rendition_->tracks().size()) return;
    const auto scale = static_cast<double>(rendition_->tracks()[p.track].timescale);
    if (rebase_) {
        offset_seconds_ = rendition_->window().end - static_cast<double>(p.dts) / scale;
        rebase_ = false;
    }
    media::MediaPacket shifted = p;
    if (offset_seconds_ != 0) {
        auto shift = static_cast<std::int64_t>(std::llround(offset_seconds_ * scale));
        shifted.dts += shift;
        shifted.pts += shift;
        if (shifted.dts < 0) return;  // before the rebased origin: dropped
    }
    rendition_->push(shifted, clock_.now());
    if (rendition_->stats().parts != parts_seen_) {
        parts_seen_ = rendition_->stats().parts;
        wake_all();
    }
}

void Packager::on_end() {
    if (ended_) return;
    ended_ = true;
    if (rendition_) rendition_->finish();
    wake_all();
}

void Packager::add_waiter(std::function<void()> wake) {
    if (ended_ || waiters_.size() >= kMaxWaiters) {
        wake();
        return;
    }
    waiters_.push_back(std::move(wake));
}

std::shared_ptr<const std::string> Packager::playlist(bool skip) {
    if (!rendition_) return nullptr;
    auto& cached = rendered_[skip ? 1 : 0];
    if (!cached) {
        PlaylistRequest req;
        req.skip = skip;
        cached = std::make_shared<const std::string>(media_playlist(rendition_->window(), req));
    }
    return cached;
}

void Packager::wake_all() {
    rendered_[0].reset();
    rendered_[1].reset();
    auto w = std::move(waiters_);
    waiters_.clear();
    for (auto& f : w)
        f();
}

}  // namespace nchat::hls
