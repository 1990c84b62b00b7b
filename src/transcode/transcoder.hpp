#pragma once
// The adaptive-bitrate transcoder of one live stream (issue 5, docs/transcode.md): a
// LiveStream consumer that makes the ladder's renditions and feeds each to an output consumer
// (an HLS packager), on the stream's strand, as if each were a stream of its own.
//
// Threads: calls from the stream come on its strand and only queue (bounded, never blocking);
// a decode thread and one thread per encoded rung do the work; outputs are called back on
// the stream strand, each in source order (tracks, packets, discontinuity, end).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "live/consumer.hpp"
#include "transcode/ladder.hpp"
#include "transcode/slots.hpp"
#include "transcode/stats.hpp"
#include "util/clock.hpp"

namespace nchat::transcode {

namespace detail {
class StatsBoard;
class Worker;
}  // namespace detail

struct TranscoderOptions {
    std::string stream_id;  // for log lines (stream=<id>)
    // The concurrent-transcode limit it counts against (default: the process's).
    std::shared_ptr<TranscodeSlots> slots;
    const util::Clock* clock = nullptr;  // lag measurement; default the system clock
    // Tests: runs on a rung's encoder thread before each frame (a deliberately slow encoder).
    std::function<void(const Rung&)> before_encode;
    // On the stream strand: a rendition left the plan (the source shrank or changed); its
    // output gets on_end after what it was already sent. Not called when the stream ends.
    std::function<void(const Rung&)> on_rendition_removed;
};

class Transcoder : public live::Consumer {
public:
    // Called on the stream strand, once per rendition when the source's video first appears
    // or its ladder changes (a rendition that persists by name keeps its output). nullptr
    // leaves that rendition out.
    using OutputFactory = std::function<std::shared_ptr<live::Consumer>(const Rung&)>;

    Transcoder(boost::asio::any_io_executor stream_strand,
               LadderConfig config,
               std::string max_resolution,
               OutputFactory make_output,
               TranscoderOptions options = {});
    // Stops the threads: work still queued is dropped and every output not yet ended gets
    // on_end. Blocks until the threads exit (at most one encode call each). After on_end, let
    // the drain finish first (finished()) if the tail matters.
    ~Transcoder() override;
    Transcoder(const Transcoder&) = delete;
    Transcoder& operator=(const Transcoder&) = delete;

    // live::Consumer, on the stream strand.
    void on_tracks(const std::vector<media::TrackInfo>& tracks) override;
    void on_packet(const media::MediaPacket& p) override;
    void on_discontinuity() override;
    // Queues the end: what is queued is still processed, encoders are flushed, then each
    // output gets on_end.
    void on_end() override;

    // Any thread.
    TranscoderStats stats() const;
    // True once the work queued before on_end is done and every output has been ended.
    bool finished() const;

    // On the stream strand: the renditions of the current plan, largest first.
    const std::vector<Rung>& rungs() const { return rungs_; }

private:
    struct Output {
        Rung rung;
        std::shared_ptr<live::Consumer> consumer;
    };

    boost::asio::any_io_executor strand_;
    const LadderConfig config_;
    const std::string max_resolution_;
    const OutputFactory make_output_;
    const std::string stream_id_;
    const util::Clock* clock_;
    const std::function<void(const Rung&)> on_removed_;
    std::unique_ptr<TranscodeSlots::Slot> slot_;
    bool limited_ = false;
    std::shared_ptr<detail::StatsBoard> board_;
    std::unique_ptr<detail::Worker> worker_;

    // on stream strand
    std::vector<media::TrackInfo> tracks_;
    std::vector<Rung> rungs_;
    std::vector<Output> outputs_;
    // Every output made and not yet released by the worker: ended on destruction if the
    // worker never saw it.
    std::vector<std::weak_ptr<live::Consumer>> made_;
    bool ended_ = false;
};

}  // namespace nchat::transcode
