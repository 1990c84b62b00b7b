#include "transcode/detail/stats_board.hpp"

namespace nchat::transcode::detail {
namespace {

constexpr std::size_t kMaxEvents = 16;

}  // namespace

void StatsBoard::set_rungs(std::vector<std::pair<Rung, std::shared_ptr<RungCounters>>> rungs) {
    std::lock_guard lock(mu_);
    rungs_ = std::move(rungs);
}

void StatsBoard::event(std::string what) {
    std::lock_guard lock(mu_);
    if (events_.size() >= kMaxEvents) events_.erase(events_.begin());
    events_.push_back(std::move(what));
}

void StatsBoard::set_error(std::string what) {
    std::lock_guard lock(mu_);
    error_ = std::move(what);
}

void StatsBoard::fill(TranscoderStats& s) const {
    {
        std::lock_guard lock(mu_);
        s.renditions.clear();
        for (const auto& [rung, c] : rungs_) {
            RungStats r;
            r.name = rung.name;
            r.width = rung.width;
            r.height = rung.height;
            r.video_kbps = rung.video_kbps;
            r.fps = rung.fps;
            r.passthrough = rung.passthrough;
            r.frames_in = c->frames_in.load();
            r.frames_out = c->frames_out.load();
            r.dropped = c->dropped.load();
            r.shed = c->shed.load();
            r.times_shed = c->times_shed.load();
            r.encode_us_per_frame = c->encode_us.load();
            r.queue_depth = c->queue_depth.load();
            s.renditions.push_back(std::move(r));
        }
        s.events = events_;
        s.error = error_;
    }
    s.lag_ms = lag_ms.load();
    s.speed = speed.load();
    s.shed_level = shed_level.load();
    s.frame_drop_level = frame_drop_level.load();
    s.source_keyframe_interval_s = source_keyframe_interval_s.load();
    s.long_gop = long_gop.load();
    static constexpr const char* kTopPlans[] = {"fixed", "deciding", "passthrough", "encoded"};
    const int plan = top_plan.load();
    s.top_rung = plan >= 0 && plan < 4 ? kTopPlans[plan] : "fixed";
}

}  // namespace nchat::transcode::detail
