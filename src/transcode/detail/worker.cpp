#include "transcode/detail/worker.hpp"

#include <pthread.h>

namespace nchat::transcode::detail {
namespace {

// Events waiting for the strand before the worker waits: ~10 s of a 4-rung ladder's video
// and audio packets. Reached only when the stream's strand starves.
constexpr std::size_t kMaxPendingPosts = 4096;
constexpr auto kPopTimeout = std::chrono::milliseconds(250);

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
      idr_(config_.keyframe_interval > 0 ? config_.keyframe_interval : config_.segment_seconds),
      slots_(options.slots ? std::move(options.slots) : TranscodeSlots::process()),
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
        if (top_plan_ == TopPlan::deciding && r == rungs_.front()) {
            hold_for_top(p);
        } else if (r->lane) {
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
        audio_tc_ = AudioTranscoder::open(*audio_, media::Codec::aac, why);
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
    end_top_decision();  // a stream shorter than the decision: its top rung as it came
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
