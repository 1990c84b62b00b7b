#include "hls/detail/packager.hpp"

#include <cmath>

namespace nchat::hls {

namespace {
// A reader that never comes back must not pin memory: at most this many held requests.
constexpr std::size_t kMaxWaiters = 10'000;
}  // namespace

void Siblings::add(const std::shared_ptr<Packager>& p) {
    std::lock_guard lock(mu_);
    members_.push_back(p);
}

void Siblings::remove(const Packager* p) {
    std::lock_guard lock(mu_);
    std::erase_if(members_, [&](const std::weak_ptr<Packager>& w) {
        auto s = w.lock();
        return !s || s.get() == p;
    });
}

std::vector<std::shared_ptr<Packager>> Siblings::list() const {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<Packager>> out;
    for (const auto& w : members_) {
        if (auto s = w.lock()) out.push_back(std::move(s));
    }
    return out;
}

Packager::Packager(boost::asio::any_io_executor stream_strand,
                   util::Clock& clock,
                   RenditionConfig config,
                   std::shared_ptr<Timeline> timeline,
                   std::shared_ptr<std::atomic<std::uint64_t>> changes,
                   std::shared_ptr<Siblings> siblings)
    : strand_(std::move(stream_strand)),
      clock_(clock),
      config_(config),
      timeline_(std::move(timeline)),
      changes_(changes ? std::move(changes) : std::make_shared<std::atomic<std::uint64_t>>(0)),
      siblings_(std::move(siblings)) {}

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
        lead_siblings();
    }
}

void Packager::on_gap() {
    if (ended_ || !rendition_) return;
    rendition_->start_gap();
    // Catch up at once with whichever sibling is furthest along.
    if (siblings_) {
        for (const auto& s : siblings_->list()) {
            const Rendition* r = s->rendition();
            if (s.get() != this && r && !r->in_gap()) rendition_->fill_gap(r->window());
        }
    }
    parts_seen_ = rendition_->stats().parts;
    wake_all();
}

void Packager::follow(const Window& sibling) {
    if (ended_ || !rendition_ || !rendition_->in_gap()) return;
    if (!rendition_->fill_gap(sibling)) return;
    parts_seen_ = rendition_->stats().parts;
    wake_all();
}

void Packager::lead_siblings() {
    if (!siblings_ || rendition_->in_gap()) return;
    for (const auto& s : siblings_->list()) {
        if (s.get() != this) s->follow(rendition_->window());
    }
}

void Packager::on_end() {
    if (ended_) return;
    ended_ = true;
    if (rendition_) rendition_->finish();
    wake_all();
    finished_.store(true, std::memory_order_release);
    if (segment_sink_) segment_sink_(nullptr);
}

void Packager::sink_segments() {
    const auto& segments = rendition_->window().segments;
    // Newest first back to the last one given: a window holds a dozen segments.
    std::size_t i = segments.size();
    while (i > 0 && (!sunk_msn_ || segments[i - 1].msn > *sunk_msn_))
        --i;
    for (; i < segments.size() && segments[i].complete; ++i) {
        sunk_msn_ = segments[i].msn;
        segment_sink_(&segments[i]);
    }
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
        if (segment_sink_) sink_segments();
    }
    auto w = std::move(waiters_);
    waiters_.clear();
    for (auto& f : w)
        f();
}

}  // namespace nchat::hls
