#include "hls/presentation.hpp"

#include "hls/detail/limits.hpp"
#include "hls/detail/playlist.hpp"

namespace nchat::hls {

Presentation::Presentation(boost::asio::any_io_executor stream_strand,
                           util::Clock& clock,
                           RenditionConfig config)
    : strand_(std::move(stream_strand)),
      clock_(clock),
      config_(config),
      timeline_(std::make_shared<Timeline>(
          config.segment_target,
          std::chrono::milliseconds(static_cast<long>(limits::kMaxSegmentSeconds * 1000)))),
      changes_(std::make_shared<std::atomic<std::uint64_t>>(0)),
      siblings_(std::make_shared<Siblings>()) {}

std::shared_ptr<Packager> Presentation::add_rendition(const std::string& name) {
    std::lock_guard lock(mu_);
    for (const auto& m : members_) {
        if (m.name == name) return m.packager;
    }
    auto p = std::make_shared<Packager>(strand_, clock_, config_, timeline_, changes_, siblings_);
    if (listener_) {
        // The packager may outlive this presentation (its consumers hold it).
        p->on_segments([l = listener_, self = weak_from_this(), name,
                        first = members_.empty()](const Segment* s) {
            if (s == nullptr) {
                l->on_rendition_end(name);
                return;
            }
            l->on_segment(name, *s);
            // The best rendition's segments pace it: the ladder's playlist with its bandwidths.
            if (auto pres = self.lock(); pres && first)
                l->on_master_playlist(pres->master_playlist());
        });
    }
    siblings_->add(p);
    members_.push_back({name, p});
    return p;
}

std::shared_ptr<Packager> Presentation::find(std::string_view name) const {
    std::lock_guard lock(mu_);
    for (const auto& m : members_) {
        if (m.name == name) return m.packager;
    }
    return nullptr;
}

void Presentation::remove_rendition(std::string_view name) {
    std::lock_guard lock(mu_);
    std::erase_if(members_, [&](const Member& m) {
        if (m.name != name) return false;
        siblings_->remove(m.packager.get());
        return true;
    });
}

bool Presentation::ended() const {
    std::lock_guard lock(mu_);
    if (members_.empty()) return false;
    for (const auto& m : members_) {
        if (!m.packager->finished()) return false;
    }
    return true;
}

std::vector<Presentation::Member> Presentation::renditions() const {
    std::lock_guard lock(mu_);
    return members_;
}

std::shared_ptr<const std::string> Presentation::playlist(const Packager& p, bool skip) {
    auto members = renditions();
    // Any rendition's change changes the reports (they share one change counter).
    return const_cast<Packager&>(p).playlist(skip, [&] {
        std::vector<RenditionReport> reports;
        for (const auto& m : members) {
            if (m.packager.get() == &p || !m.packager->rendition()) continue;
            const Window& w = m.packager->rendition()->window();
            if (w.segments.empty()) continue;
            reports.push_back(rendition_report(w, "../" + m.name + "/index.m3u8"));
        }
        return reports;
    });
}

std::string Presentation::master_playlist() const {
    // The ladder as planned, not as it stands this second: a player reads this once, so a
    // rendition shed right now (its playlist lists gaps) must still be here when it recovers.
    std::vector<Variant> variants;
    bool any_media = false;
    for (const auto& m : renditions()) {
        const Rendition* r = m.packager->rendition();
        if (!r) continue;
        any_media = any_media || r->stats().parts > r->stats().gap_parts;
        auto bw = measure_bandwidth(r->window());
        variants.push_back({m.name + "/index.m3u8", r->tracks(), bw.peak, bw.average});
    }
    return any_media ? multivariant_playlist(variants) : std::string();
}

bool Presentation::all_have_segments() const {
    auto members = renditions();
    if (members.empty()) return false;
    for (const auto& m : members) {
        const Rendition* r = m.packager->rendition();
        if (!r || r->stats().segments == 0) return false;
    }
    return true;
}

}  // namespace nchat::hls
