#include "app/transcoding.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "live/live_stream.hpp"
#include "transcode/transcoder.hpp"

namespace nchat::app {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;

// The per-rendition and per-stream series; rows come and go with the transcoders.
struct Transcoding::Series {
    struct Rendition {
        Counter* frames_in;
        Counter* frames_out;
        Counter* dropped;
        Counter* times_shed;
        Gauge* encode_seconds;
        Gauge* queue_depth;
        Gauge* shed;
        // Totals already carried into the counters (the transcoder counts from its start).
        std::uint64_t in = 0, out = 0, drop = 0, shed_count = 0;
    };
    struct Stream {
        Gauge* lag;
        Gauge* speed;
        Gauge* queue_depth;
        Counter* input_dropped;
        std::uint64_t dropped = 0;
    };

    explicit Series(prometheus::Registry& r)
        : frames_in(counter(r,
                            "nchat_transcode_frames_in_total",
                            "Source frames offered to a rendition while it was encoded")),
          frames_out(counter(r,
                             "nchat_transcode_frames_out_total",
                             "Video frames a rendition delivered to its packager")),
          dropped(counter(r,
                          "nchat_transcode_frames_dropped_total",
                          "Frames of a rendition lost to overload (shed or frame-drop mode)")),
          times_shed(counter(r,
                             "nchat_transcode_shed_total",
                             "Times a rendition was shed because the transcoder fell behind")),
          encode_seconds(gauge(r,
                               "nchat_transcode_encode_seconds_per_frame",
                               "Moving average wall time of one encode call")),
          queue_depth(
              gauge(r, "nchat_transcode_queue_depth", "Frames waiting for a rendition's encoder")),
          shed(gauge(r, "nchat_transcode_shed", "1 while a rendition is shed (not encoded)")),
          lag(gauge(r,
                    "nchat_transcode_lag_seconds",
                    "Age of the oldest frame not yet out of a stream's transcoder")),
          speed(gauge(r,
                      "nchat_transcode_speed",
                      "Media seconds transcoded per second of busy worker time (>1 keeps up)")),
          input_depth(gauge(
              r, "nchat_transcode_input_queue_depth", "Packets waiting for a stream's transcoder")),
          input_dropped(counter(r,
                                "nchat_transcode_input_dropped_total",
                                "Packets dropped because a transcoder's input queue was full")) {}

    static Family<Counter>& counter(prometheus::Registry& r, const char* name, const char* help) {
        return prometheus::BuildCounter().Name(name).Help(help).Register(r);
    }
    static Family<Gauge>& gauge(prometheus::Registry& r, const char* name, const char* help) {
        return prometheus::BuildGauge().Name(name).Help(help).Register(r);
    }
    static void carry(Counter* c, std::uint64_t total, std::uint64_t& seen) {
        // A rendition that left the plan and came back counts from zero again.
        if (total < seen) seen = 0;
        c->Increment(static_cast<double>(total - seen));
        seen = total;
    }

    void update(const std::string& stream_id, const transcode::TranscoderStats& s) {
        auto [sit, fresh] = streams.try_emplace(stream_id);
        auto& st = sit->second;
        if (fresh) {
            std::map<std::string, std::string> l{{"stream", stream_id}};
            st.lag = &lag.Add(l);
            st.speed = &speed.Add(l);
            st.queue_depth = &input_depth.Add(l);
            st.input_dropped = &input_dropped.Add(l);
        }
        st.lag->Set(s.lag_ms / 1000.0);
        st.speed->Set(s.speed);
        st.queue_depth->Set(static_cast<double>(s.queue_depth));
        carry(st.input_dropped, s.input_dropped, st.dropped);
        for (const auto& r : s.renditions) {
            auto key = std::make_pair(stream_id, r.name);
            auto [it, added] = renditions.try_emplace(key);
            auto& row = it->second;
            if (added) {
                std::map<std::string, std::string> l{{"stream", stream_id}, {"rendition", r.name}};
                row.frames_in = &frames_in.Add(l);
                row.frames_out = &frames_out.Add(l);
                row.dropped = &dropped.Add(l);
                row.times_shed = &times_shed.Add(l);
                row.encode_seconds = &encode_seconds.Add(l);
                row.queue_depth = &queue_depth.Add(l);
                row.shed = &shed.Add(l);
            }
            carry(row.frames_in, r.frames_in, row.in);
            carry(row.frames_out, r.frames_out, row.out);
            carry(row.dropped, r.dropped, row.drop);
            carry(row.times_shed, r.times_shed, row.shed_count);
            row.encode_seconds->Set(r.encode_us_per_frame / 1e6);
            row.queue_depth->Set(static_cast<double>(r.queue_depth));
            row.shed->Set(r.shed ? 1 : 0);
        }
    }

    // Drops the rows of streams and renditions that are gone.
    void retain(const std::set<std::pair<std::string, std::string>>& live_renditions,
                const std::set<std::string>& live_streams) {
        for (auto it = renditions.begin(); it != renditions.end();) {
            if (live_renditions.count(it->first)) {
                ++it;
                continue;
            }
            auto& row = it->second;
            frames_in.Remove(row.frames_in);
            frames_out.Remove(row.frames_out);
            dropped.Remove(row.dropped);
            times_shed.Remove(row.times_shed);
            encode_seconds.Remove(row.encode_seconds);
            queue_depth.Remove(row.queue_depth);
            shed.Remove(row.shed);
            it = renditions.erase(it);
        }
        for (auto it = streams.begin(); it != streams.end();) {
            if (live_streams.count(it->first)) {
                ++it;
                continue;
            }
            lag.Remove(it->second.lag);
            speed.Remove(it->second.speed);
            input_depth.Remove(it->second.queue_depth);
            input_dropped.Remove(it->second.input_dropped);
            it = streams.erase(it);
        }
    }

    Family<Counter>& frames_in;
    Family<Counter>& frames_out;
    Family<Counter>& dropped;
    Family<Counter>& times_shed;
    Family<Gauge>& encode_seconds;
    Family<Gauge>& queue_depth;
    Family<Gauge>& shed;
    Family<Gauge>& lag;
    Family<Gauge>& speed;
    Family<Gauge>& input_depth;
    Family<Counter>& input_dropped;
    std::map<std::pair<std::string, std::string>, Rendition> renditions;
    std::map<std::string, Stream> streams;
};

namespace {

// A rung's output to its HLS packager and, as a LiveStream of its own, to whoever wants that
// rendition as packets (WHEP). The LiveStream keeps its GOP so a new consumer starts on a
// keyframe; calls arrive on the presentation's strand.
class Tee final : public live::Consumer {
public:
    Tee(std::shared_ptr<live::Consumer> packager, std::shared_ptr<live::LiveStream> tap)
        : packager_(std::move(packager)), tap_(std::move(tap)) {}
    void on_tracks(const std::vector<media::TrackInfo>& tracks) override {
        packager_->on_tracks(tracks);
        if (!started_) tap_->publisher_started();
        started_ = true;
        tap_->publish_tracks(tracks);
    }
    void on_packet(const media::MediaPacket& p) override {
        packager_->on_packet(p);
        tap_->publish_packet(p);
    }
    void on_discontinuity() override {
        packager_->on_discontinuity();
        tap_->publisher_started();  // a second start is a reconnect: its consumers hear it
    }
    void on_gap() override { packager_->on_gap(); }
    void on_end() override {
        packager_->on_end();
        tap_->end();
    }

private:
    std::shared_ptr<live::Consumer> packager_;
    std::shared_ptr<live::LiveStream> tap_;
    bool started_ = false;
};

}  // namespace

Transcoding::Transcoding(transcode::LadderConfig config, prometheus::Registry& metrics)
    : config_(std::move(config)), series_(std::make_unique<Series>(metrics)) {}

Transcoding::~Transcoding() = default;

std::shared_ptr<live::Consumer> Transcoding::attach(
    const std::string& stream_id,
    const std::string& max_resolution,
    const std::optional<std::string>& top_rung,
    const std::shared_ptr<hls::Presentation>& pres) {
    auto config = config_;
    if (top_rung) {
        if (auto mode = transcode::parse_top_rung_mode(*top_rung)) config.top_rung = *mode;
    }
    transcode::TranscoderOptions opts;
    opts.stream_id = stream_id;
    std::weak_ptr<hls::Presentation> weak = pres;
    opts.on_rendition_removed = [weak](const transcode::Rung& r) {
        if (auto p = weak.lock()) p->remove_rendition(r.name);
    };
    auto t = std::make_shared<transcode::Transcoder>(
        pres->strand(), std::move(config), max_resolution,
        [this, weak, stream_id](const transcode::Rung& r) -> std::shared_ptr<live::Consumer> {
            auto p = weak.lock();
            if (!p) return nullptr;
            auto packager = p->add_rendition(r.name);
            auto tap = std::make_shared<live::LiveStream>(p->strand(), stream_id + "/" + r.name,
                                                          std::chrono::milliseconds(0), nullptr);
            std::lock_guard lock(mu_);
            auto& taps = taps_[stream_id];
            std::erase_if(taps,
                          [&](const Tap& t) { return t.name == r.name || t.stream.expired(); });
            taps.push_back({r.name, !r.passthrough, tap});
            return std::make_shared<Tee>(std::move(packager), std::move(tap));
        },
        std::move(opts));
    std::lock_guard lock(mu_);
    std::erase_if(running_, [](const auto& kv) { return kv.second.expired(); });
    running_[stream_id] = t;
    std::erase_if(taps_, [](const auto& kv) {
        return std::all_of(kv.second.begin(), kv.second.end(),
                           [](const Tap& t) { return t.stream.expired(); });
    });
    return t;
}

std::shared_ptr<live::LiveStream> Transcoding::rendition(const std::string& stream_id,
                                                         const std::string& name) {
    std::lock_guard lock(mu_);
    auto it = taps_.find(stream_id);
    if (it == taps_.end()) return nullptr;
    for (const auto& t : it->second) {
        auto s = t.stream.lock();
        if (!s || s->ended()) continue;
        if (name.empty() ? t.encoded : t.name == name) return s;
    }
    return nullptr;
}

std::optional<transcode::TranscoderStats> Transcoding::stats(const std::string& stream_id) {
    std::shared_ptr<transcode::Transcoder> t;
    {
        std::lock_guard lock(mu_);
        auto it = running_.find(stream_id);
        if (it != running_.end()) t = it->second.lock();
    }
    if (!t || t->finished()) return std::nullopt;
    return t->stats();
}

nlohmann::json Transcoding::health(const std::string& stream_id) {
    auto s = stats(stream_id);
    if (!s) return nullptr;
    auto renditions = nlohmann::json::array();
    for (const auto& r : s->renditions) {
        renditions.push_back({{"name", r.name},
                              {"width", r.width},
                              {"height", r.height},
                              {"videoKbps", r.video_kbps},
                              {"fps", r.fps},
                              {"passthrough", r.passthrough},
                              {"framesIn", r.frames_in},
                              {"framesOut", r.frames_out},
                              {"dropped", r.dropped},
                              {"shed", r.shed},
                              {"timesShed", r.times_shed},
                              {"encodeMsPerFrame", r.encode_us_per_frame / 1000.0},
                              {"queueDepth", r.queue_depth}});
    }
    // What the broadcaster can change to do better, in words for the studio.
    auto advice = nlohmann::json::array();
    if (s->long_gop) {
        const bool encoded = s->top_rung == "encoded";
        // The interval is known once two keyframes came; before, "long" is all that is known.
        std::string sends = "The encoder sends keyframes far apart";
        if (s->source_keyframe_interval_s > 0) {
            char interval[32];
            std::snprintf(interval, sizeof interval, "%.1f s", s->source_keyframe_interval_s);
            sends = std::string("The encoder sends a keyframe every ") + interval;
        }
        advice.push_back(
            {{"code", "keyframe_interval"},
             {"message",
              sends +
                  (encoded ? ": the server re-encodes your top quality to keep playback smooth, "
                             "which costs CPU."
                           : ": every quality level has long segments, so viewers start further "
                             "behind live and switch quality slowly.") +
                  " Set the keyframe interval to 2 s (OBS: Settings > Output > Streaming > "
                  "Keyframe Interval) for lower latency."}});
    }
    return {{"renditions", std::move(renditions)},
            {"sourceKeyframeIntervalMs", std::lround(s->source_keyframe_interval_s * 1000)},
            {"longGop", s->long_gop},
            {"topRung", s->top_rung},
            {"advice", std::move(advice)},
            {"lagMs", s->lag_ms},
            {"speed", s->speed},
            {"queueDepth", s->queue_depth},
            {"queueCapacity", s->queue_capacity},
            {"inputDropped", s->input_dropped},
            {"limited", s->limited},
            {"shedLevel", s->shed_level},
            {"frameDropLevel", s->frame_drop_level},
            {"events", s->events},
            {"error", s->error.empty() ? nlohmann::json(nullptr) : nlohmann::json(s->error)}};
}

void Transcoding::refresh_metrics() {
    std::vector<std::pair<std::string, std::shared_ptr<transcode::Transcoder>>> live;
    {
        std::lock_guard lock(mu_);
        for (auto it = running_.begin(); it != running_.end();) {
            if (auto t = it->second.lock()) {
                live.emplace_back(it->first, std::move(t));
                ++it;
            } else {
                it = running_.erase(it);
            }
        }
    }
    std::set<std::pair<std::string, std::string>> renditions;
    std::set<std::string> streams;
    std::lock_guard metrics_lock(metrics_mu_);
    for (const auto& [id, t] : live) {
        if (t->finished()) continue;
        auto s = t->stats();
        series_->update(id, s);
        streams.insert(id);
        for (const auto& r : s.renditions)
            renditions.emplace(id, r.name);
    }
    series_->retain(renditions, streams);
}

}  // namespace nchat::app
