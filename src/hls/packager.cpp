#include "hls/packager.hpp"

#include <cmath>

namespace nchat::hls {

namespace {
// A reader that never comes back must not pin memory: at most this many held requests.
constexpr std::size_t kMaxWaiters = 10'000;
}  // namespace

Packager::Packager(boost::asio::any_io_executor stream_strand,
                   util::Clock& clock,
                   RenditionConfig config,
                   std::shared_ptr<Timeline> timeline)
    : strand_(std::move(stream_strand)),
      clock_(clock),
      config_(config),
      timeline_(std::move(timeline)) {}

void Packager::on_tracks(const std::vector<media::TrackInfo>& tracks) {
    if (ended_) return;
    if (!rendition_) {
        rendition_.emplace(tracks, config_, timeline_);
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
        // Every rendition of the stream continues the timeline by the same shift.
        offset_seconds_ = rendition_->timeline().epoch_offset(
            rendition_->epoch(), rendition_->window().end - static_cast<double>(p.dts) / scale);
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

std::shared_ptr<const std::string> Packager::playlist(
    bool skip, std::uint64_t stamp, const std::function<std::vector<RenditionReport>()>& reports) {
    if (!rendition_) return nullptr;
    const int i = skip ? 1 : 0;
    if (!rendered_[i] || rendered_stamp_[i] != stamp) {
        PlaylistRequest req;
        req.skip = skip;
        if (reports) req.reports = reports();
        rendered_[i] =
            std::make_shared<const std::string>(media_playlist(rendition_->window(), req));
        rendered_stamp_[i] = stamp;
    }
    return rendered_[i];
}

void Packager::wake_all() {
    ++version_;
    rendered_[0].reset();
    rendered_[1].reset();
    auto w = std::move(waiters_);
    waiters_.clear();
    for (auto& f : w)
        f();
}

}  // namespace nchat::hls
