// Worker, video: passthrough, the one decode, the scaling cascade, frame and IDR choice.
#include "transcode/detail/worker.hpp"
#include "util/log.hpp"

namespace nchat::transcode::detail {
namespace {

// Frames the decoder may hold for reordering before their packet info is forgotten.
constexpr std::size_t kMaxPending = 64;

}  // namespace

bool Worker::decoding_wanted() const {
    for (const auto& r : rungs_) {
        if (r->lane && (!r->shed || r->resume_pending)) return true;
    }
    return false;
}

void Worker::forward(RungState& r, media::MediaPacket p) {
    if (p.track == 0) {
        r.counters->frames_in.fetch_add(1);
        r.counters->frames_out.fetch_add(1);
    }
    emitter_->packet(r.ro.output, std::move(p));
}

void Worker::on_video(const InputItem& item) {
    const auto& p = item.packet;
    media_pos_ = std::max(media_pos_, p.dts);
    watch_keyframes(p);  // may decide the top rung: passed through, or encoded from here
    for (auto& r : rungs_) {
        if (r->lane) continue;
        media::MediaPacket out = p;
        out.track = 0;
        if (top_plan_ == TopPlan::deciding && r == rungs_.front()) {
            hold_for_top(std::move(out));
        } else if (!r->sent_tracks.empty()) {
            forward(*r, std::move(out));
        }
    }
    if (!video_ || !decoding_wanted()) {
        // Nothing to encode (passthrough only, or every encoded rung shed): no decoding
        // either. Decoding starts again at a keyframe.
        need_keyframe_ = true;
        pending_.clear();
        return;
    }
    if (need_keyframe_ && !p.keyframe) return;
    if (!decoder_) {
        if (decoder_failed_) return;
        std::string why;
        decoder_ = VideoDecoder::open(*video_, why);
        if (!decoder_) {
            decoder_failed_ = true;
            util::logger("transcode")
                ->error("stream={} cannot decode the source: {}", stream_id_, why);
            board_->set_error("decoder: " + why);
            return;
        }
    }
    if (need_keyframe_) {
        decoder_->flush();
        need_keyframe_ = false;
        idr_.force_next();
    }
    pending_[p.pts] = Pending{item.arrival, p.keyframe};
    while (pending_.size() > kMaxPending)
        pending_.erase(pending_.begin());
    frames_.clear();
    decoder_->decode(p, frames_);  // a broken frame is concealed or skipped by the decoder
    auto frames = std::move(frames_);
    for (auto& f : frames)
        process_frame(std::move(f));
}

void Worker::process_frame(FramePtr frame) {
    const std::int64_t pts = frame->pts;
    Pending info{now(), frame->key_frame != 0};
    if (auto it = pending_.find(pts); it != pending_.end()) info = it->second;
    pending_.erase(pending_.begin(), pending_.upper_bound(pts));

    const bool idr = idr_.decide(pts, info.keyframe);
    ++frame_counter_;
    // Pictures made for this frame so far: each rung scales from the nearest larger one.
    std::vector<FramePtr> made;
    if (idr) {
        // Sheds waiting for this IDR take effect lowest rung first: the order the shedder asked
        // for them, which the health's events must keep when two land on the same IDR.
        for (auto it = rungs_.rbegin(); it != rungs_.rend(); ++it)
            if ((*it)->lane && (*it)->shed_pending) shed(**it);
    }
    for (auto& r : rungs_) {
        if (!r->lane) continue;
        auto& c = *r->counters;
        if (r->shed) {
            if (!r->resume_pending || !idr) continue;
            r->shed = r->resume_pending = false;
            c.shed.store(false);
            r->selector.reset();
            util::logger("transcode")
                ->info("stream={} rendition={} resumed", stream_id_, r->ro.rung.name);
            board_->event("resumed " + r->ro.rung.name);
        }
        c.frames_in.fetch_add(1);
        if (!r->selector.keep(pts, idr)) continue;
        // Frame-drop mode (only the top rung is left): keep 1 of 2^level, IDRs always.
        if (drop_level_ > 0 && !idr && frame_counter_ % (1u << drop_level_) != 0) {
            c.dropped.fetch_add(1);
            continue;
        }
        const int w = r->ro.rung.width;
        const int h = r->ro.rung.height;
        const AVFrame* src = frame.get();
        for (const auto& m : made) {
            if (m->width >= w && m->height >= h &&
                m->width * m->height < src->width * src->height) {
                src = m.get();
            }
        }
        FramePtr pic = src->width == w && src->height == h && src->format == pix_fmt_
                           ? ref_frame(src)
                           : r->scaler.scale(src, w, h, pix_fmt_);
        if (!pic) {
            c.dropped.fetch_add(1);
            continue;
        }
        pic->pts = pts;
        pic->pict_type = idr ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
        if (auto keep = ref_frame(pic.get())) made.push_back(std::move(keep));
        LaneEvent ev;
        ev.kind = LaneEvent::Kind::frame;
        ev.frame = std::move(pic);
        ev.arrival = info.arrival;
        c.dropped.fetch_add(
            r->lane->push(std::move(ev), [this] { return queue_.under_pressure(); }));
    }
}

}  // namespace nchat::transcode::detail
