// Worker, configuration: a new plan from the strand, the source's tracks, the rungs' states
// and what each output is told.
#include "transcode/detail/tracks.hpp"
#include "transcode/detail/worker.hpp"
#include "util/log.hpp"

namespace nchat::transcode::detail {

void Worker::on_tracks(TracksChange& change) {
    // Outputs that are gone get on_end after what they were sent.
    for (auto& gone : change.removed) {
        ended_outputs_.insert(gone.get());
        auto it = std::find_if(rungs_.begin(), rungs_.end(),
                               [&](const auto& r) { return r->ro.output == gone; });
        if (it == rungs_.end()) {
            emitter_->end(gone);
            continue;
        }
        if ((*it)->lane) {
            LaneEvent end;
            end.kind = LaneEvent::Kind::end;
            (*it)->lane->push(std::move(end));
            (*it)->lane->join();
        } else {
            emitter_->end(gone);
        }
        rungs_.erase(it);
    }

    std::optional<media::TrackInfo> video;
    std::optional<media::TrackInfo> audio;
    for (const auto& t : change.source) {
        if (t.kind == media::TrackKind::video && !video) video = t;
        if (t.kind == media::TrackKind::audio && !audio) audio = t;
    }
    const bool video_changed =
        video.has_value() != video_.has_value() || (video && !same_track(*video, *video_));
    const bool audio_changed =
        audio.has_value() != audio_.has_value() || (audio && !same_track(*audio, *audio_));
    video_ = std::move(video);
    if (video_changed) {
        decoder_.reset();
        decoder_failed_ = false;
        need_keyframe_ = true;
        pending_.clear();
        idr_.force_next();
    }
    if (audio_changed) {
        audio_ = std::move(audio);
        audio_tc_.reset();
        out_audio_.reset();
        if (audio_ && audio_->codec == media::Codec::aac) {
            out_audio_ = audio_;
        } else if (audio_) {
            std::string why;
            audio_tc_ = AudioTranscoder::open(*audio_, media::Codec::aac, why);
            if (audio_tc_) {
                out_audio_ = audio_tc_->track();
            } else {
                util::logger("transcode")->error("stream={} audio dropped: {}", stream_id_, why);
                board_->set_error("audio: " + why);
            }
        }
    }
    update_rungs(change, video_changed);
}

EncoderSettings Worker::settings_for(const Rung& rung) const {
    return EncoderSettings{
        config_.encoder,         config_.preset, config_.tune, config_.profile, config_.x264_params,
        config_.encoder_threads, rung.width,     rung.height,  rung.video_kbps, rung.fps};
}

void Worker::configure_lane(RungState& r, bool force_tracks) {
    LaneEvent ev;
    ev.kind = LaneEvent::Kind::configure;
    ev.settings = r.settings;
    ev.audio_track = out_audio_;
    ev.force_tracks = force_tracks;
    r.lane->push(std::move(ev));
}

std::unique_ptr<Worker::RungState> Worker::make_rung(RungOutput ro) {
    auto r = std::make_unique<RungState>();
    r->ro = std::move(ro);
    if (!r->ro.rung.passthrough) {
        r->lane = std::make_unique<Lane>(r->ro.rung, r->ro.output, emitter_, r->counters, board_,
                                         before_encode_, stream_id_);
    }
    return r;
}

void Worker::update_rungs(TracksChange& change, bool video_changed) {
    std::vector<std::unique_ptr<RungState>> next;
    for (auto& ro : change.rungs) {
        auto it = std::find_if(rungs_.begin(), rungs_.end(),
                               [&](const auto& r) { return r && r->ro.output == ro.output; });
        std::unique_ptr<RungState> r;
        // A top rung encoded for a long GOP stays encoded while the source's video is the same
        // (a publisher that reconnects keeps its encoder settings); a new one decides again.
        const bool stays_upgraded =
            it != rungs_.end() && (*it)->upgraded && !video_changed && ro.rung.passthrough;
        if (it != rungs_.end() &&
            ((*it)->ro.rung.passthrough == ro.rung.passthrough || stays_upgraded)) {
            r = std::move(*it);
            r->ro.rung = r->upgraded ? encoded_top_rung(ro.rung, config_) : ro.rung;
        } else {
            if (it != rungs_.end() && (*it)->lane) {
                (*it)->lane->stop(false);  // the same output goes on as a passthrough rung
            }
            r = make_rung(ro);
        }
        if (r->lane) {
            const EncoderSettings s = settings_for(r->ro.rung);
            if (video_changed || !(s == r->settings)) r->selector = FrameSelector(r->ro.rung.fps);
            r->settings = s;
        }
        next.push_back(std::move(r));
    }
    rungs_ = std::move(next);  // rungs left behind (not in the plan) were ended above
    if (video_changed) {
        // A new source video decides its top rung again (worker_top.cpp); a publisher that
        // reconnects with the same one keeps the decision.
        const bool can_upgrade = config_.top_rung == TopRungMode::automatic && video_ &&
                                 rungs_.size() > 1 && !rungs_.front()->lane;
        top_plan_ = can_upgrade ? TopPlan::deciding : TopPlan::fixed;
        top_held_.clear();
        top_held_bytes_ = 0;
        first_key_dts_.reset();
        x264_keyint_.reset();
        top_slot_.reset();
        board_->top_plan.store(static_cast<int>(top_plan_));
    }
    // Beside a rung that passes the source through, IDRs are the source's keyframes.
    idr_.follow_source(std::any_of(rungs_.begin(), rungs_.end(),
                                   [&](const auto& r) { return !r->lane && video_.has_value(); }));

    std::vector<std::pair<Rung, std::shared_ptr<RungCounters>>> board;
    for (const auto& r : rungs_)
        board.emplace_back(r->ro.rung, r->counters);
    board_->set_rungs(std::move(board));

    const bool force = force_tracks_;
    force_tracks_ = false;
    for (auto& r : rungs_) {
        if (r->lane) {
            configure_lane(*r, force);
            continue;
        }
        std::vector<media::TrackInfo> tracks;
        if (video_) {
            // The source's own track, with the rung's nominal bitrate and rate when the
            // source did not say (the multivariant playlist needs them).
            auto v = *video_;
            if (v.bitrate == 0)
                v.bitrate = static_cast<std::uint32_t>(r->ro.rung.video_kbps) * 1000;
            if (v.frame_rate <= 0) v.frame_rate = r->ro.rung.fps;
            tracks.push_back(std::move(v));
        }
        if (out_audio_) tracks.push_back(*out_audio_);
        if (top_plan_ == TopPlan::deciding && r == rungs_.front()) {
            top_tracks_ = std::move(tracks);  // told once it is passed through
            continue;
        }
        if (tracks.empty() || (!force && same_tracks(tracks, r->sent_tracks))) continue;
        r->sent_tracks = tracks;
        emitter_->tracks(r->ro.output, std::move(tracks));
    }
}

}  // namespace nchat::transcode::detail
