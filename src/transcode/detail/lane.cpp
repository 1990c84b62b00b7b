#include "transcode/detail/lane.hpp"

#include <pthread.h>

#include "transcode/detail/tracks.hpp"
#include "util/log.hpp"

namespace nchat::transcode::detail {
namespace {

std::shared_ptr<spdlog::logger> log() {
    return util::logger("transcode");
}

}  // namespace

Lane::Lane(Rung rung,
           std::shared_ptr<live::Consumer> out,
           std::shared_ptr<Emitter> emitter,
           std::shared_ptr<RungCounters> counters,
           std::shared_ptr<StatsBoard> board,
           Hook before_encode,
           std::string stream_id)
    : rung_(std::move(rung)),
      out_(std::move(out)),
      emitter_(std::move(emitter)),
      counters_(std::move(counters)),
      board_(std::move(board)),
      before_encode_(std::move(before_encode)),
      stream_id_(std::move(stream_id)) {
    thread_ = std::thread([this] { run(); });
    const std::string name = ("tc-" + rung_.name).substr(0, 15);
    pthread_setname_np(thread_.native_handle(), name.c_str());
}

Lane::~Lane() {
    stop();
    join();
}

std::uint64_t Lane::push(LaneEvent ev, const std::function<bool()>& give_up) {
    std::unique_lock lock(mu_);
    if (stop_.load()) return ev.kind == LaneEvent::Kind::frame ? 1 : 0;
    if (ev.kind == LaneEvent::Kind::frame) {
        const bool idr = ev.frame->pict_type == AV_PICTURE_TYPE_I;
        if (skipping_ && !idr) return 1;
        // A burst (the cached GOP at attach, a publisher catching up) waits for the encoder;
        // a backlog that would cost the input queue its packets does not.
        while (frames_ >= kMaxFrames && !stop_.load() && !(give_up && give_up())) {
            cv_.wait_for(lock, kGiveUpPoll);
        }
        if (stop_.load()) return 1;
        if (skipping_ && frames_ >= kMaxFrames) return 1;
        if (frames_ >= kMaxFrames) {
            // Behind: the output lists a gap (as when shed) until an IDR finds room, so its
            // playlist stays continuous and its parts regular rather than frames going missing
            // one by one (a part under 85% of PART-TARGET, EXTINFs off their siblings').
            if (!overflow_since_) overflow_since_ = ev.arrival;
            skipping_ = true;
            LaneEvent gap;
            gap.kind = LaneEvent::Kind::gap;
            events_.push_back(std::move(gap));
            cv_.notify_all();
            return 1;
        }
        skipping_ = false;
        ++frames_;
        counters_->queue_depth.store(frames_);
    } else if (ev.kind == LaneEvent::Kind::audio && (skipping_ || events_.size() >= kMaxEvents)) {
        return 0;  // in a gap, the audio goes too; beyond the bound, an encoder that hangs
    }
    const bool wake = ev.kind != LaneEvent::Kind::audio;  // audio can wait for the next frame
    events_.push_back(std::move(ev));
    if (wake) cv_.notify_all();
    return 0;
}

std::optional<SteadyTime> Lane::oldest_pending() const {
    std::lock_guard lock(mu_);
    std::optional<SteadyTime> oldest = busy_since_;
    if (!oldest) {
        for (const auto& e : events_) {
            if (e.kind == LaneEvent::Kind::frame) {
                oldest = e.arrival;
                break;
            }
        }
    }
    if (overflow_since_ && (!oldest || *overflow_since_ < *oldest)) oldest = overflow_since_;
    return oldest;
}

bool Lane::overflowing() const {
    std::lock_guard lock(mu_);
    return overflow_since_.has_value();
}

void Lane::stop(bool end_output) {
    std::lock_guard lock(mu_);
    if (!end_output) keep_output_open_ = true;
    stop_.store(true);
    cv_.notify_all();
}

void Lane::join() {
    if (thread_.joinable()) thread_.join();
}

void Lane::run() {
    while (true) {
        LaneEvent ev;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stop_.load() || !events_.empty(); });
            if (stop_.load()) break;
            ev = std::move(events_.front());
            events_.pop_front();
            if (ev.kind == LaneEvent::Kind::frame) {
                --frames_;
                counters_->queue_depth.store(frames_);
                busy_since_ = ev.arrival;
                // Caught up: ran dry after media came back at an IDR.
                if (frames_ == 0 && !skipping_) overflow_since_.reset();
            }
            cv_.notify_all();
        }
        switch (ev.kind) {
            case LaneEvent::Kind::configure: {
                const bool changed = !(settings_ == ev.settings);
                settings_ = std::move(ev.settings);
                audio_track_ = std::move(ev.audio_track);
                if (!encoder_ || changed) open_encoder();
                if (encoder_) emit_tracks(ev.force_tracks);
                break;
            }
            case LaneEvent::Kind::frame:
                encode(ev);
                break;
            case LaneEvent::Kind::audio:
                if (!sent_tracks_.empty()) {
                    ev.audio.track = 1;
                    add(OutputEvent::Kind::packet, std::move(ev.audio));
                }
                break;
            case LaneEvent::Kind::gap:
                // Shed: nothing more until frames come back with an IDR (the output lists the
                // stretch as a gap).
                add(OutputEvent::Kind::gap);
                break;
            case LaneEvent::Kind::discontinuity:
                drain();
                // The new timeline starts over: x264 wants rising pts, so a fresh encoder.
                encoder_.reset();
                add(OutputEvent::Kind::discontinuity);
                break;
            case LaneEvent::Kind::end:
                drain();
                encoder_.reset();
                add(OutputEvent::Kind::end);
                flush();
                ended_ = true;
                return;
        }
        bool more = false;
        {
            std::lock_guard lock(mu_);
            busy_since_.reset();
            more = !events_.empty();
        }
        // Audio waits for the frame after it (or for the queue to run dry): one strand visit
        // per frame rather than per packet.
        if (ev.kind != LaneEvent::Kind::audio || !more) flush();
    }
    flush();
    std::lock_guard lock(mu_);
    if (!ended_ && !keep_output_open_) emitter_->end(out_);
}

void Lane::open_encoder() {
    encoder_.reset();
    if (failed_ && *failed_ == settings_) return;
    std::string why;
    encoder_ = VideoEncoder::open(settings_, why);
    if (!encoder_) {
        failed_ = settings_;
        log()->error("stream={} rendition={} cannot open encoder: {}", stream_id_, rung_.name, why);
        board_->set_error(rung_.name + ": " + why);
        return;
    }
    failed_.reset();
}

void Lane::emit_tracks(bool force) {
    std::vector<media::TrackInfo> tracks{encoder_->track()};
    if (audio_track_) tracks.push_back(*audio_track_);
    if (!force && same_tracks(tracks, sent_tracks_)) return;
    sent_tracks_ = tracks;
    OutputEvent e;
    e.kind = OutputEvent::Kind::tracks;
    e.tracks = std::move(tracks);
    batch_.push_back(std::move(e));
}

void Lane::add(OutputEvent::Kind kind, media::MediaPacket p) {
    OutputEvent e;
    e.kind = kind;
    e.packet = std::move(p);
    batch_.push_back(std::move(e));
}

void Lane::flush() {
    if (batch_.empty()) return;
    emitter_->send(out_, std::move(batch_));
    batch_.clear();
}

void Lane::encode(LaneEvent& ev) {
    if (!encoder_) {
        open_encoder();
        if (encoder_) emit_tracks(false);
    }
    if (!encoder_) {
        counters_->dropped.fetch_add(1);
        return;
    }
    emitter_->wait_for_room(stop_);
    if (before_encode_) before_encode_(rung_);
    const auto t0 = std::chrono::steady_clock::now();
    packets_.clear();
    const bool ok = encoder_->encode(ev.frame.get(), packets_);
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    const double avg = counters_->encode_us.load();
    counters_->encode_us.store(avg == 0 ? us : 0.95 * avg + 0.05 * us);
    ev.frame.reset();
    if (!ok) {
        counters_->dropped.fetch_add(1);
        return;
    }
    for (auto& p : packets_) {
        p.track = 0;
        counters_->frames_out.fetch_add(1);
        add(OutputEvent::Kind::packet, std::move(p));
    }
}

void Lane::drain() {
    if (!encoder_) return;
    packets_.clear();
    encoder_->encode(nullptr, packets_);
    for (auto& p : packets_) {
        p.track = 0;
        counters_->frames_out.fetch_add(1);
        add(OutputEvent::Kind::packet, std::move(p));
    }
}

}  // namespace nchat::transcode::detail
