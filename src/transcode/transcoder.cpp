#include "transcode/transcoder.hpp"

#include <algorithm>

#include "transcode/detail/stats_board.hpp"
#include "transcode/detail/worker.hpp"
#include "util/log.hpp"

namespace nchat::transcode {
namespace {

std::shared_ptr<spdlog::logger> log() {
    return util::logger("transcode");
}

std::string describe(const std::vector<Rung>& rungs) {
    std::string s;
    for (const auto& r : rungs) {
        if (!s.empty()) s += ", ";
        s += r.name + (r.passthrough ? " passthrough" : "") + " " + std::to_string(r.width) + "x" +
             std::to_string(r.height);
        if (!r.passthrough) s += " " + std::to_string(r.video_kbps) + "k";
    }
    return s;
}

}  // namespace

Transcoder::Transcoder(boost::asio::any_io_executor stream_strand,
                       LadderConfig config,
                       std::string max_resolution,
                       OutputFactory make_output,
                       TranscoderOptions options)
    : strand_(std::move(stream_strand)),
      config_(std::move(config)),
      max_resolution_(std::move(max_resolution)),
      make_output_(std::move(make_output)),
      stream_id_(std::move(options.stream_id)),
      clock_(options.clock),
      on_removed_(std::move(options.on_rendition_removed)),
      board_(std::make_shared<detail::StatsBoard>()) {
    auto slots = options.slots ? options.slots : TranscodeSlots::process();
    slot_ = slots->try_acquire(config_.max_concurrent);
    limited_ = slot_ == nullptr;
    if (limited_) {
        log()->warn("stream={} {} transcodes already run (the limit): passthrough only", stream_id_,
                    slots->in_use());
    }
    detail::WorkerOptions wo;
    wo.config = config_;
    wo.stream_id = stream_id_;
    wo.clock = clock_;
    wo.before_encode = std::move(options.before_encode);
    wo.slots = slots;
    worker_ = std::make_unique<detail::Worker>(strand_, std::move(wo), board_);
}

Transcoder::~Transcoder() {
    std::vector<std::shared_ptr<live::Consumer>> outputs;
    for (auto& w : made_) {
        if (auto o = w.lock()) outputs.push_back(std::move(o));
    }
    worker_->stop(std::move(outputs));
    worker_.reset();
}

void Transcoder::on_tracks(const std::vector<media::TrackInfo>& tracks) {
    if (ended_) return;
    tracks_ = tracks;
    const media::TrackInfo* video = nullptr;
    const media::TrackInfo* audio = nullptr;
    for (const auto& t : tracks) {
        if (t.kind == media::TrackKind::video && !video) video = &t;
        if (t.kind == media::TrackKind::audio && !audio) audio = &t;
    }
    std::erase_if(made_, [](const auto& w) { return w.expired(); });
    std::vector<Rung> plan;
    if (video && limited_) {
        LadderConfig pass = config_;
        pass.top_rung = TopRungMode::passthrough;
        plan = {plan_ladder(*video, "", pass).front()};
    } else if (video) {
        plan = plan_ladder(*video, max_resolution_, config_);
    } else if (audio) {
        plan = {Rung{"audio", 0, 0, static_cast<int>(audio->bitrate / 1000), 0, true}};
    }
    if (plan != rungs_) log()->info("stream={} ladder: {}", stream_id_, describe(plan));

    std::vector<Output> next;
    for (const auto& rung : plan) {
        auto it = std::find_if(outputs_.begin(), outputs_.end(),
                               [&](const Output& o) { return o.rung.name == rung.name; });
        std::shared_ptr<live::Consumer> out = it != outputs_.end() ? it->consumer : nullptr;
        if (!out) {
            out = make_output_(rung);
            if (out) made_.push_back(out);
        }
        if (out) next.push_back({rung, std::move(out)});
    }
    auto change = std::make_shared<detail::TracksChange>();
    change->source = tracks;
    for (const auto& o : outputs_) {
        const bool kept = std::any_of(next.begin(), next.end(),
                                      [&](const Output& n) { return n.consumer == o.consumer; });
        if (!kept) {
            change->removed.push_back(o.consumer);
            if (on_removed_) on_removed_(o.rung);
        }
    }
    rungs_.clear();
    for (const auto& o : next) {
        rungs_.push_back(o.rung);
        change->rungs.push_back({o.rung, o.consumer});
    }
    outputs_ = std::move(next);
    detail::InputItem item;
    item.kind = detail::InputItem::Kind::tracks;
    item.tracks = std::move(change);
    worker_->queue().push_control(std::move(item));
}

void Transcoder::on_packet(const media::MediaPacket& p) {
    if (ended_ || p.track >= tracks_.size()) return;
    const bool video = tracks_[p.track].kind == media::TrackKind::video;
    worker_->queue().push_packet(p, video, worker_->now());
}

void Transcoder::on_discontinuity() {
    if (ended_) return;
    detail::InputItem item;
    item.kind = detail::InputItem::Kind::discontinuity;
    worker_->queue().push_control(std::move(item));
}

void Transcoder::on_end() {
    if (ended_) return;
    ended_ = true;
    detail::InputItem item;
    item.kind = detail::InputItem::Kind::end;
    worker_->queue().push_control(std::move(item));
}

TranscoderStats Transcoder::stats() const {
    TranscoderStats s;
    board_->fill(s);
    auto& q = worker_->queue();
    const auto c = q.counters();
    s.queue_depth = q.depth();
    s.max_queue_depth = c.max_depth;
    s.queue_capacity = q.capacity();
    s.input_dropped = c.dropped_video + c.dropped_audio;
    s.limited = limited_;
    return s;
}

bool Transcoder::finished() const {
    return worker_->finished();
}

}  // namespace nchat::transcode
