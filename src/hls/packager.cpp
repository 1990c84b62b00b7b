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
                   std::shared_ptr<Timeline> timeline,
                   std::shared_ptr<std::atomic<std::uint64_t>> changes)
    : strand_(std::move(stream_strand)),
      clock_(clock),
      config_(config),
      timeline_(std::move(timeline)),
      changes_(changes ? std::move(changes) : std::make_shared<std::atomic<std::uint64_t>>(0)) {}

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
    bool skip, const std::function<std::vector<RenditionReport>()>& reports) {
    if (!rendition_) return nullptr;
    auto& slot = rendered_[skip ? 1 : 0];
    const std::uint64_t now = changes_->load(std::memory_order_acquire);
    auto r = slot.load(std::memory_order_acquire);
    if (!r || r->changes != now) {
        PlaylistRequest req;
        req.skip = skip;
        if (reports) req.reports = reports();
        r = std::make_shared<const Rendered>(
            Rendered{now, media_playlist(rendition_->window(), req)});
        slot.store(r, std::memory_order_release);
    }
    return {r, &r->text};
}

std::shared_ptr<const std::string> Packager::ready_playlist(bool skip) const {
    auto r = rendered_[skip ? 1 : 0].load(std::memory_order_acquire);
    if (!r || r->changes != changes_->load(std::memory_order_acquire)) return nullptr;
    return {r, &r->text};
}

Resource Packager::ready_resource(std::string_view name) const {
    auto w = published_.load(std::memory_order_acquire);
    return w ? find_resource(*w, name) : Resource{};
}

void Packager::wake_all() {
    // On the strand, where every rendition of the stream renders: a rendering is never current
    // for a change it has not seen. The count moves first: whoever sees the new window also
    // sees every older rendering as stale (ready_playlist), never a playlist without its part.
    changes_->fetch_add(1, std::memory_order_acq_rel);
    if (rendition_) {
        published_.store(std::make_shared<const Window>(rendition_->window()),
                         std::memory_order_release);
    }
    auto w = std::move(waiters_);
    waiters_.clear();
    for (auto& f : w)
        f();
}

}  // namespace nchat::hls
