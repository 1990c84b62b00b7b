#include "transcode/detail/worker.hpp"

#include <pthread.h>

#include "transcode/detail/tracks.hpp"
#include "util/log.hpp"

namespace nchat::transcode::detail {
namespace {

// Events waiting for the strand before the worker waits: ~10 s of a 4-rung ladder's video
// and audio packets. Reached only when the stream's strand starves.
constexpr std::size_t kMaxPendingPosts = 4096;
constexpr auto kPopTimeout = std::chrono::milliseconds(250);

std::shared_ptr<spdlog::logger> log() {
    return util::logger("transcode");
}

ShedPolicy shed_policy(const LadderConfig& c) {
    using std::chrono::milliseconds;
    return {milliseconds(c.shed_lag_ms), milliseconds(c.shed_cooldown_ms),
            milliseconds(c.recover_lag_ms), milliseconds(c.recover_after_ms)};
}

}  // namespace

Worker::Worker(boost::asio::any_io_executor strand,
               WorkerOptions options,
               std::shared_ptr<StatsBoard> board)
    : config_(std::move(options.config)),
      stream_id_(std::move(options.stream_id)),
      clock_(options.clock ? options.clock : &system_clock_),
      before_encode_(std::move(options.before_encode)),
      board_(std::move(board)),
      emitter_(std::make_shared<Emitter>(std::move(strand), kMaxPendingPosts)),
      pix_fmt_(encoder_pixel_format(config_.encoder) == AV_PIX_FMT_NONE
                   ? AV_PIX_FMT_YUV420P
                   : encoder_pixel_format(config_.encoder)),
      queue_(static_cast<std::size_t>(config_.max_queued_packets),
             static_cast<std::size_t>(config_.max_queued_bytes)),
      idr_(config_.keyframe_interval,
           config_.max_keyframe_interval,
           config_.fallback_keyframe_interval),
      shedder_(shed_policy(config_)) {
    thread_ = std::thread([this] { run(); });
    pthread_setname_np(thread_.native_handle(), "tc-decode");
}

Worker::~Worker() {
    stop();
    join();
}

void Worker::stop(std::vector<std::shared_ptr<live::Consumer>> outputs) {
    {
        std::lock_guard lock(stop_mu_);
        for (auto& o : outputs)
            stop_outputs_.push_back(std::move(o));
    }
    stop_.store(true);
    queue_.stop();
}

void Worker::join() {
    if (thread_.joinable()) thread_.join();
}

void Worker::run() {
    window_start_ = now();
    while (!stop_.load()) {
        auto item = queue_.pop(kPopTimeout);
        const auto start = now();
        if (!item) {
            if (!stop_.load()) update_load(start);
            continue;
        }
        handle(*item);
        const auto done = now();
        busy_ += done - start;
        update_load(done);
        if (ended_) return;
    }
    abandon();
}

void Worker::handle(InputItem& item) {
    switch (item.kind) {
        case InputItem::Kind::tracks:
            on_tracks(*item.tracks);
            break;
        case InputItem::Kind::packet:
            if (item.video) {
                on_video(item);
            } else {
                on_audio(item);
            }
            break;
        case InputItem::Kind::discontinuity:
            on_discontinuity();
            break;
        case InputItem::Kind::end:
            on_end();
            break;
    }
}

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
            audio_tc_ = AudioTranscoder::open(*audio_, why);
            if (audio_tc_) {
                out_audio_ = audio_tc_->track();
            } else {
                log()->error("stream={} audio dropped: {}", stream_id_, why);
                board_->set_error("audio: " + why);
            }
        }
    }
    update_rungs(change, video_changed);
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
        if (it != rungs_.end() && (*it)->ro.rung.passthrough == ro.rung.passthrough) {
            r = std::move(*it);
            r->ro.rung = ro.rung;
        } else {
            if (it != rungs_.end() && (*it)->lane) {
                (*it)->lane->stop(false);  // the same output goes on as a passthrough rung
            }
            r = make_rung(ro);
        }
        if (r->lane) {
            EncoderSettings s{config_.encoder,  config_.preset,      config_.tune,
                              config_.profile,  config_.x264_params, config_.encoder_threads,
                              r->ro.rung.width, r->ro.rung.height,   r->ro.rung.video_kbps,
                              r->ro.rung.fps};
            if (video_changed || !(s == r->settings)) r->selector = FrameSelector(r->ro.rung.fps);
            r->settings = s;
        }
        next.push_back(std::move(r));
    }
    rungs_ = std::move(next);  // rungs left behind (not in the plan) were ended above

    std::vector<std::pair<Rung, std::shared_ptr<RungCounters>>> board;
    for (const auto& r : rungs_)
        board.emplace_back(r->ro.rung, r->counters);
    board_->set_rungs(std::move(board));

    const bool force = force_tracks_;
    force_tracks_ = false;
    for (auto& r : rungs_) {
        if (r->lane) {
            LaneEvent ev;
            ev.kind = LaneEvent::Kind::configure;
            ev.settings = r->settings;
            ev.audio_track = out_audio_;
            ev.force_tracks = force;
            r->lane->push(std::move(ev));
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
        if (tracks.empty() || (!force && same_tracks(tracks, r->sent_tracks))) continue;
        r->sent_tracks = tracks;
        emitter_->tracks(r->ro.output, std::move(tracks));
    }
}

void Worker::on_audio(const InputItem& item) {
    if (!out_audio_) return;
    if (!audio_tc_) {
        emit_audio(item.packet);  // AAC: the same bytes to every rendition
        return;
    }
    audio_out_.clear();
    if (!audio_tc_->push(item.packet, audio_out_)) board_->set_error("audio: decoding error");
    for (auto& p : audio_out_)
        emit_audio(std::move(p));
}

void Worker::emit_audio(media::MediaPacket p) {
    p.track = video_ ? 1 : 0;
    for (auto& r : rungs_) {
        if (r->shed) continue;
        if (r->lane) {
            LaneEvent ev;
            ev.kind = LaneEvent::Kind::audio;
            ev.audio = p;
            r->lane->push(std::move(ev));
        } else if (!r->sent_tracks.empty()) {
            emitter_->packet(r->ro.output, p);
        }
    }
}

void Worker::on_discontinuity() {
    // The publisher came back: its timestamps start over.
    if (decoder_) decoder_->flush();
    need_keyframe_ = true;
    pending_.clear();
    idr_.force_next();
    force_tracks_ = true;
    window_media_.reset();
    media_pos_ = 0;
    if (audio_tc_ && audio_) {
        std::string why;
        audio_tc_ = AudioTranscoder::open(*audio_, why);
        if (!audio_tc_) out_audio_.reset();
    }
    for (auto& r : rungs_) {
        r->selector.reset();
        if (r->lane) {
            LaneEvent ev;
            ev.kind = LaneEvent::Kind::discontinuity;
            r->lane->push(std::move(ev));
        } else {
            emitter_->discontinuity(r->ro.output);
        }
    }
}

void Worker::on_end() {
    // Flush: frames the decoder holds for reordering, the audio encoder's tail; then each
    // lane drains its encoder and ends its output.
    if (decoder_ && decoding_wanted() && !need_keyframe_) {
        frames_.clear();
        decoder_->drain(frames_);
        auto frames = std::move(frames_);
        for (auto& f : frames)
            process_frame(std::move(f));
    }
    if (audio_tc_) {
        audio_out_.clear();
        audio_tc_->drain(audio_out_);
        for (auto& p : audio_out_)
            emit_audio(std::move(p));
    }
    for (auto& r : rungs_) {
        if (r->lane) {
            LaneEvent ev;
            ev.kind = LaneEvent::Kind::end;
            r->lane->push(std::move(ev));
        } else {
            emitter_->end(r->ro.output);
        }
    }
    for (auto& r : rungs_) {
        if (r->lane) r->lane->join();
    }
    ended_ = true;
    finished_.store(true);
}

void Worker::abandon() {
    for (auto& r : rungs_) {
        ended_outputs_.insert(r->ro.output.get());
        if (r->lane) {
            r->lane->stop();  // its output gets on_end from the lane
        } else {
            emitter_->end(r->ro.output);
        }
    }
    for (auto& r : rungs_) {
        if (r->lane) r->lane->join();
    }
    // Outputs planned on the strand whose tracks change never reached us.
    std::lock_guard lock(stop_mu_);
    for (auto& o : stop_outputs_) {
        if (ended_outputs_.insert(o.get()).second) emitter_->end(o);
    }
    stop_outputs_.clear();
}

}  // namespace nchat::transcode::detail
