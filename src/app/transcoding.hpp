#pragma once
// The node's live transcoders (issue 5, docs/transcode.md): makes one per published stream,
// its renditions packaged in the stream's HLS presentation, and reports them — in the stream's
// health (GET /api/streams/{id}/health) and in /metrics, per rendition.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "hls/presentation.hpp"
#include "live/consumer.hpp"
#include "live/live_stream.hpp"
#include "transcode/ladder.hpp"
#include "transcode/stats.hpp"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Gauge;
class Counter;
}  // namespace prometheus

namespace nchat::transcode {
class Transcoder;
}

namespace nchat::app {

class Transcoding {
public:
    Transcoding(transcode::LadderConfig config, prometheus::Registry& metrics);
    ~Transcoding();
    Transcoding(const Transcoding&) = delete;
    Transcoding& operator=(const Transcoding&) = delete;

    // At the publish: the consumer to add to the LiveStream. Its renditions are added to `pres`
    // as the transcoder plans them (and removed when a re-plan drops them). `top_rung`: the
    // stream's own setting ("auto", "passthrough", "transcode"), else the server's.
    std::shared_ptr<live::Consumer> attach(const std::string& stream_id,
                                           const std::string& max_resolution,
                                           const std::optional<std::string>& top_rung,
                                           const std::shared_ptr<hls::Presentation>& pres);

    // Any thread. A rendition of the stream as a LiveStream of its own (the encoded rungs have no
    // B-frames: WebRTC viewers of a source with B-frames watch one of them; a phone asks for a
    // small one). `name` empty: the best encoded rung. nullptr when there is none.
    std::shared_ptr<live::LiveStream> rendition(const std::string& stream_id,
                                                const std::string& name);

    // Any thread. The stream's transcoder on this node, if it has one that still runs.
    std::optional<transcode::TranscoderStats> stats(const std::string& stream_id);
    // The `transcode` object of a stream's health (null when it has no transcoder here).
    nlohmann::json health(const std::string& stream_id);
    // Before a /metrics scrape: per-rendition gauges of every running transcoder.
    void refresh_metrics();

private:
    struct Series;
    transcode::LadderConfig config_;
    std::mutex mu_;          // running_
    std::mutex metrics_mu_;  // series_ (scrapes may overlap)
    std::map<std::string, std::weak_ptr<transcode::Transcoder>> running_;
    struct Tap {
        std::string name;
        bool encoded = false;
        std::weak_ptr<live::LiveStream> stream;
    };
    std::map<std::string, std::vector<Tap>> taps_;  // by stream id, in ladder order; under mu_
    std::unique_ptr<Series> series_;
};

}  // namespace nchat::app
