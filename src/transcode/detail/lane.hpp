#pragma once
// One encoded rung's thread: takes scaled frames (and the audio and control events between
// them, so its output sees everything in source order) from a short bounded queue, encodes,
// and hands the packets to the Emitter. Rungs encode in parallel, one lane each.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "transcode/detail/av.hpp"
#include "transcode/detail/emitter.hpp"
#include "transcode/detail/stats_board.hpp"
#include "transcode/detail/video_encoder.hpp"

namespace nchat::transcode::detail {

using SteadyTime = std::chrono::steady_clock::time_point;

struct LaneEvent {
    enum class Kind : std::uint8_t { configure, frame, audio, discontinuity, gap, end };
    Kind kind = Kind::frame;
    FramePtr frame;  // frame: pict_type I = forced IDR
    SteadyTime arrival{};
    media::MediaPacket audio;                     // audio (track index set by the lane)
    EncoderSettings settings;                     // configure
    std::optional<media::TrackInfo> audio_track;  // configure
    bool force_tracks = false;                    // configure: tell the output even if unchanged
};

class Lane {
public:
    using Hook = std::function<void(const Rung&)>;

    Lane(Rung rung,
         std::shared_ptr<live::Consumer> out,
         std::shared_ptr<Emitter> emitter,
         std::shared_ptr<RungCounters> counters,
         std::shared_ptr<StatsBoard> board,
         Hook before_encode,
         std::string stream_id);
    ~Lane();  // stop() and join()
    Lane(const Lane&) = delete;
    Lane& operator=(const Lane&) = delete;

    // Decode thread. While kMaxFrames are queued a frame waits for the encoder (a burst), but
    // not once `give_up` says so (the input queue is filling: waiting longer would lose the
    // passthrough rung's packets, as in the CI run of 2026-12-02). Then the output gets a gap
    // (listed like a shed rung's) and frames are dropped until a forced IDR finds room. The
    // time since the lane first fell behind counts as lag until it runs dry again, so the
    // shedder acts as it would on a growing queue. Returns the frames dropped (0 or 1).
    std::uint64_t push(LaneEvent ev, const std::function<bool()>& give_up = {});
    // The arrival time of the oldest frame not yet encoded, or of the first frame this lane
    // dropped since it last ran dry with media flowing.
    std::optional<SteadyTime> oldest_pending() const;
    // Fell behind and has not run dry since: this encoder cannot keep up.
    bool overflowing() const;
    // Abandon what waits: the thread ends after its current call, and the output gets on_end
    // if it has not had it (unless `end_output` is false: the output lives on, fed otherwise).
    void stop(bool end_output = true);
    void join();

    static constexpr std::size_t kMaxFrames = 4;
    // Audio and control events waiting beside the frames; audio beyond it is dropped (an
    // encoder that stopped returning must not grow memory).
    static constexpr std::size_t kMaxEvents = 1024;
    static constexpr std::chrono::milliseconds kGiveUpPoll{10};

private:
    void run();
    void open_encoder();
    void emit_tracks(bool force);
    void encode(LaneEvent& ev);
    void drain();
    void add(OutputEvent::Kind kind, media::MediaPacket p = {});
    void flush();  // what this lane produced so far, to the strand in one visit

    const Rung rung_;
    const std::shared_ptr<live::Consumer> out_;
    const std::shared_ptr<Emitter> emitter_;
    const std::shared_ptr<RungCounters> counters_;
    const std::shared_ptr<StatsBoard> board_;
    const Hook before_encode_;
    const std::string stream_id_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<LaneEvent> events_;
    std::size_t frames_ = 0;
    std::optional<SteadyTime> busy_since_;      // arrival of the frame being encoded
    std::optional<SteadyTime> overflow_since_;  // first frame dropped since the queue ran dry
    bool skipping_ = false;                     // in a gap: frames dropped until an IDR fits
    std::atomic<bool> stop_{false};
    bool keep_output_open_ = false;

    // lane thread
    EncoderSettings settings_;
    std::optional<media::TrackInfo> audio_track_;
    std::unique_ptr<VideoEncoder> encoder_;
    std::optional<EncoderSettings> failed_;  // settings that did not open (logged once)
    std::vector<media::TrackInfo> sent_tracks_;
    bool ended_ = false;
    std::vector<media::MediaPacket> packets_;
    std::vector<OutputEvent> batch_;

    std::thread thread_;
};

}  // namespace nchat::transcode::detail
