#include "hls/presentation.hpp"

#include "hls/detail/limits.hpp"
#include "hls/playlist.hpp"

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
      changes_(std::make_shared<std::atomic<std::uint64_t>>(0)) {}

std::shared_ptr<Packager> Presentation::add_rendition(const std::string& name) {
    std::lock_guard lock(mu_);
    for (const auto& m : members_) {
        if (m.name == name) return m.packager;
    }
    auto p = std::make_shared<Packager>(strand_, clock_, config_, timeline_, changes_);
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
    std::erase_if(members_, [&](const Member& m) { return m.name == name; });
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
    std::vector<Variant> variants;
    for (const auto& m : renditions()) {
        const Rendition* r = m.packager->rendition();
        if (!r || r->stats().parts == 0) continue;
        auto bw = measure_bandwidth(r->window());
        variants.push_back({m.name + "/index.m3u8", r->tracks(), bw.peak, bw.average});
    }
    return variants.empty() ? std::string() : multivariant_playlist(variants);
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
