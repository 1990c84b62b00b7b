// Worker, the top rung: passed through, or encoded because the source's keyframes are too far
// apart (docs/transcode.md, "Long GOPs").
//
// A passthrough rung can only start a segment at one of the source's keyframes, so beside it
// every encoded rung puts its IDRs there too. With OBS's default keyframe interval (250 frames,
// 8.3 s at 30 fps) that makes 8 s segments everywhere: slow switching, a long first segment and
// a TARGETDURATION four times the usual. So when the source's GOP is long and a transcode slot
// is free, the top rung is encoded like the others and every rung gets an IDR each segment
// target. The decision is taken once per source video: at its first keyframe when x264's SEI
// says its keyint, else when the second keyframe comes or the long-GOP threshold passes,
// whichever is first. Meanwhile the top rung's packets are held (at most ~2.4 s of them), so
// that its playlist either starts with them (passed through) or starts at the first IDR of the
// encoded rung: never both, so its init segment never changes under a player.
#include "media/h264.hpp"
#include "transcode/detail/worker.hpp"
#include "util/log.hpp"

namespace nchat::transcode::detail {
namespace {

// What the top rung may hold while deciding: ~2.4 s of a 20 Mb/s source fit; a publisher
// that sends more is decided at once (as a long GOP).
constexpr std::size_t kMaxHeldPackets = 1500;
constexpr std::size_t kMaxHeldBytes = 16 * 1024 * 1024;

std::shared_ptr<spdlog::logger> log() {
    return util::logger("transcode");
}

}  // namespace

void Worker::watch_keyframes(const media::MediaPacket& p) {
    const std::int64_t long_gop = std::llround(config_.long_gop_seconds * kVideoHz);
    if (p.keyframe) {
        if (last_key_dts_ && p.dts > *last_key_dts_) {
            const auto gap = static_cast<double>(p.dts - *last_key_dts_) / kVideoHz;
            board_->source_keyframe_interval_s.store(gap);
            if (gap > config_.long_gop_seconds) board_->long_gop.store(true);
        }
        last_key_dts_ = p.dts;
    } else if (last_key_dts_ && p.dts - *last_key_dts_ > long_gop) {
        board_->long_gop.store(true);  // known before the next keyframe comes
    }
    const std::optional<std::int64_t> previous = last_video_dts_;
    last_video_dts_ = p.dts;

    if (top_plan_ != TopPlan::deciding) return;
    if (!first_key_dts_) {
        if (!p.keyframe) return;  // the top rung's playlist starts at a keyframe anyway
        first_key_dts_ = p.dts;
        x264_keyint_ = media::x264_keyint(*p.data);
    }
    if (x264_keyint_) {
        // The frame rate from the metadata, else from the first two frames.
        double fps = video_ ? video_->frame_rate : 0;
        if (fps <= 0 && previous && p.dts > *previous && !p.keyframe) {
            fps = kVideoHz / static_cast<double>(p.dts - *previous);
        }
        if (*x264_keyint_ == 0) {
            decide_top(true, "x264 keyint=infinite");
        } else if (fps > 0) {
            const double gop = *x264_keyint_ / fps;
            decide_top(gop > config_.long_gop_seconds,
                       gop > config_.long_gop_seconds ? "x264 keyint (long)" : "x264 keyint");
        }
        if (top_plan_ != TopPlan::deciding) return;
    }
    if (p.dts == *first_key_dts_) return;
    if (p.keyframe) {
        const bool long_one = p.dts - *first_key_dts_ > long_gop;
        decide_top(long_one, "the source's second keyframe");
    } else if (p.dts - *first_key_dts_ > long_gop) {
        decide_top(true, "no second keyframe yet");
    }
}

void Worker::hold_for_top(media::MediaPacket p) {
    top_held_bytes_ += p.data ? p.data->size() : 0;
    top_held_.push_back(std::move(p));
    if (top_held_.size() > kMaxHeldPackets || top_held_bytes_ > kMaxHeldBytes) {
        decide_top(true, "too much to hold");
    }
}

void Worker::decide_top(bool long_gop, const char* how) {
    if (top_plan_ != TopPlan::deciding || rungs_.empty()) return;
    if (long_gop) board_->long_gop.store(true);
    // "When the CPU allows": a slot of the process's transcode limit is free, and this stream
    // is not already shedding work.
    if (long_gop && shed_level() == 0) top_slot_ = slots_->try_acquire(config_.max_concurrent);
    if (top_slot_) {
        log()->info("stream={} long GOP ({}): the top rung {} is encoded too, IDRs every {} s",
                    stream_id_, how, rungs_.front()->ro.rung.name, config_.segment_seconds);
        encode_top();
    } else {
        if (long_gop) {
            log()->warn(
                "stream={} long GOP ({}) and no transcode slot free: every rendition follows "
                "the source's keyframes (long segments); a keyframe interval of 2 s would "
                "lower latency",
                stream_id_, how);
        }
        pass_top_through();
    }
    board_->top_plan.store(static_cast<int>(top_plan_));
}

void Worker::pass_top_through() {
    auto& top = *rungs_.front();
    top_plan_ = TopPlan::passthrough;
    if (!top_tracks_.empty()) {
        top.sent_tracks = top_tracks_;
        emitter_->tracks(top.ro.output, std::move(top_tracks_));
        top_tracks_.clear();
    }
    auto held = std::move(top_held_);
    top_held_.clear();
    top_held_bytes_ = 0;
    if (top.sent_tracks.empty()) return;
    for (auto& p : held)
        forward(top, std::move(p));
}

void Worker::encode_top() {
    auto& top = *rungs_.front();
    top_plan_ = TopPlan::encoded;
    top_held_.clear();
    top_held_bytes_ = 0;
    top_tracks_.clear();
    top.upgraded = true;
    top.ro.rung = encoded_top_rung(top.ro.rung, config_);
    top.lane = std::make_unique<Lane>(top.ro.rung, top.ro.output, emitter_, top.counters, board_,
                                      before_encode_, stream_id_);
    top.settings = settings_for(top.ro.rung);
    top.selector = FrameSelector(top.ro.rung.fps);
    configure_lane(top, true);
    // Every rung is encoded now: a steady cadence, starting with the next decoded frame.
    idr_.follow_source(
        std::any_of(rungs_.begin(), rungs_.end(), [](const auto& r) { return !r->lane; }));
    idr_.force_next();
    std::vector<std::pair<Rung, std::shared_ptr<RungCounters>>> board;
    for (const auto& r : rungs_)
        board.emplace_back(r->ro.rung, r->counters);
    board_->set_rungs(std::move(board));
}

void Worker::end_top_decision() {
    if (top_plan_ == TopPlan::deciding && !rungs_.empty()) pass_top_through();
}

}  // namespace nchat::transcode::detail
