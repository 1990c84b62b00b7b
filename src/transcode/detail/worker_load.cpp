// Worker, load: how far behind real time the transcoder is, and the shedding steps
// (docs/transcode.md, "Load shedding").
#include "transcode/detail/worker.hpp"
#include "util/log.hpp"

namespace nchat::transcode::detail {
namespace {

constexpr auto kSpeedWindow = std::chrono::seconds(1);
constexpr int kMaxDropLevel = 2;

std::shared_ptr<spdlog::logger> log() {
    return util::logger("transcode");
}

}  // namespace

int Worker::shed_level() const {
    int n = drop_level_;
    for (const auto& r : rungs_)
        n += r->lane && (r->shed || r->shed_pending) ? 1 : 0;
    return n;
}

int Worker::max_shed_level() const {
    int encoded = 0;
    for (const auto& r : rungs_)
        encoded += r->lane ? 1 : 0;
    if (encoded == 0) return 0;
    const bool top_encoded = rungs_.front()->lane != nullptr;
    // The top rung stays; when it is encoded, its frames are the last resort.
    return top_encoded ? encoded - 1 + kMaxDropLevel : encoded;
}

void Worker::update_load(SteadyTime now) {
    std::optional<SteadyTime> oldest = queue_.head_arrival();
    bool encoder_behind = false;
    for (const auto& r : rungs_) {
        if (!r->lane) continue;
        if (auto t = r->lane->oldest_pending(); t && (!oldest || *t < *oldest)) oldest = t;
        encoder_behind = encoder_behind || (!r->shed && r->lane->overflowing());
    }
    const auto lag = oldest && now > *oldest
                         ? std::chrono::duration_cast<std::chrono::milliseconds>(now - *oldest)
                         : std::chrono::milliseconds(0);
    board_->lag_ms.store(static_cast<double>(lag.count()));

    // Speed: media time processed per busy second, over about a second of wall time.
    if (!window_media_) {
        window_media_ = media_pos_;
        window_start_ = now;
        window_busy_ = busy_;
    } else if (now - window_start_ >= kSpeedWindow) {
        const double busy = std::chrono::duration<double>(busy_ - window_busy_).count();
        const double media = static_cast<double>(media_pos_ - *window_media_) / kVideoHz;
        if (media > 0) {
            speed_ = busy > 1e-3 ? media / busy : 100.0;
            board_->speed.store(*speed_);
        }
        window_media_ = media_pos_;
        window_start_ = now;
        window_busy_ = busy_;
    }

    // The speed is the decode thread's, which stops waiting on a full encoder once the input
    // queue fills: a backlog it drains fast is no overload, but an encoder that fell behind
    // (its output in a gap) is, whatever that speed.
    const auto speed = encoder_behind ? std::nullopt : speed_;
    switch (shedder_.update(now, lag, speed, shed_level(), max_shed_level())) {
        case ShedAction::escalate:
            escalate(lag);
            break;
        case ShedAction::deescalate:
            deescalate();
            break;
        case ShedAction::none:
            break;
    }
    board_->shed_level.store(shed_level());
    board_->frame_drop_level.store(drop_level_);
}

void Worker::escalate(std::chrono::milliseconds lag) {
    // A rung about to come back is the first to give way again.
    for (auto& r : rungs_) {
        if (r->lane && r->resume_pending) {
            r->resume_pending = false;
            log()->warn("stream={} rendition={} stays shed (lag {} ms)", stream_id_,
                        r->ro.rung.name, lag.count());
            return;
        }
    }
    // The lowest rung still encoded, never the top one. It stops at the next IDR, so that each
    // of its segments is all media or all gap: a segment cut short would be a gap too, and a
    // rung shed before its first segment ended would list nothing but gaps (a playlist Shaka
    // Player refuses outright, docs/hls.md). Until then its few queued frames still go out.
    for (auto it = rungs_.rbegin(); it != rungs_.rend(); ++it) {
        auto& r = **it;
        if (!r.lane || r.shed || r.shed_pending || &r == rungs_.front().get()) continue;
        r.shed_pending = true;
        log()->warn("stream={} rendition={} shed at the next IDR: {} ms behind real time",
                    stream_id_, r.ro.rung.name, lag.count());
        return;
    }
    if (rungs_.front()->lane && drop_level_ < kMaxDropLevel) {
        ++drop_level_;
        log()->warn("stream={} dropping frames (level {}): {} ms behind real time", stream_id_,
                    drop_level_, lag.count());
        board_->event("drop frames level " + std::to_string(drop_level_));
    }
}

void Worker::shed(RungState& r) {
    r.shed_pending = false;
    r.shed = true;
    LaneEvent gap;
    gap.kind = LaneEvent::Kind::gap;
    r.lane->push(std::move(gap));
    log()->warn("stream={} rendition={} shed: {} ms behind real time", stream_id_, r.ro.rung.name,
                static_cast<long long>(board_->lag_ms.load()));
    // The event before the counters: whoever sees timesShed go up finds its event listed too.
    board_->event("shed " + r.ro.rung.name);
    r.counters->shed.store(true);
    r.counters->times_shed.fetch_add(1);
}

void Worker::deescalate() {
    if (drop_level_ > 0) {
        --drop_level_;
        log()->info("stream={} frame dropping down to level {}", stream_id_, drop_level_);
        board_->event("drop frames level " + std::to_string(drop_level_));
        return;
    }
    // A shed not yet done is called off first; then the most recently shed (the largest shed)
    // comes back, at the next IDR.
    for (auto& r : rungs_) {
        if (r->lane && r->shed_pending) {
            r->shed_pending = false;
            log()->info("stream={} rendition={} stays on", stream_id_, r->ro.rung.name);
            return;
        }
    }
    for (auto& r : rungs_) {
        if (r->lane && r->shed && !r->resume_pending) {
            r->resume_pending = true;
            log()->info("stream={} rendition={} resumes at the next IDR", stream_id_,
                        r->ro.rung.name);
            return;
        }
    }
}

}  // namespace nchat::transcode::detail
