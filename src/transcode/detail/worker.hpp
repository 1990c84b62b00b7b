#pragma once
// The transcoder's decode thread (DESIGN.md, Threads): takes the stream's packets from the
// input queue, passes the top rung through, decodes the video once, scales each encoded rung
// from the nearest larger picture (cascade), picks frames and IDRs, and feeds the rungs'
// lanes; copies or transcodes the audio; and sheds load when it falls behind real time.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "transcode/detail/audio_transcoder.hpp"
#include "transcode/detail/emitter.hpp"
#include "transcode/detail/frame_selector.hpp"
#include "transcode/detail/input_queue.hpp"
#include "transcode/detail/lane.hpp"
#include "transcode/detail/scaler.hpp"
#include "transcode/detail/shedder.hpp"
#include "transcode/detail/stats_board.hpp"
#include "transcode/detail/video_decoder.hpp"
#include "transcode/ladder.hpp"
#include "transcode/slots.hpp"
#include "util/clock.hpp"

namespace nchat::transcode::detail {

struct WorkerOptions {
    LadderConfig config;
    std::string stream_id;
    const util::Clock* clock = nullptr;  // steady_now() dates arrivals and measures lag
    std::function<void(const Rung&)> before_encode;
    // Where a top rung encoded for a long GOP takes its slot (nullptr: the process's).
    std::shared_ptr<TranscodeSlots> slots;
};

// What happens to a top rung that could pass the source through (docs/transcode.md, "Long
// GOPs"): decided from the source's keyframe interval when its video (re)starts.
enum class TopPlan : std::uint8_t {
    fixed,        // nothing to decide: no encoded rung beside it, or the mode says so
    deciding,     // its packets are held until the source's keyframe interval is known
    passthrough,  // the source's own packets; every rung follows the source's keyframes
    encoded,      // long GOP: encoded like the others, IDRs every segment in every rung
};

class Worker {
public:
    Worker(boost::asio::any_io_executor strand,
           WorkerOptions options,
           std::shared_ptr<StatsBoard> board);
    ~Worker();  // stop() and join()
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    InputQueue& queue() { return queue_; }
    SteadyTime now() const { return clock_->steady_now(); }
    // Abandon the queued work: outputs get on_end, threads exit after their current call.
    // `outputs`: every output the caller made, ended too if the worker never got to them.
    void stop(std::vector<std::shared_ptr<live::Consumer>> outputs = {});
    void join();
    // The end was processed: every output has been sent on_end.
    bool finished() const { return finished_.load(); }

private:
    struct RungState {
        RungOutput ro;
        std::shared_ptr<RungCounters> counters = std::make_shared<RungCounters>();
        std::unique_ptr<Lane> lane;  // encoded rungs
        EncoderSettings settings;
        FrameSelector selector{0};
        Scaler scaler;
        bool shed = false;
        bool shed_pending = false;                  // to be shed at the next IDR
        bool resume_pending = false;                // shed, back at the next IDR
        bool upgraded = false;                      // the top rung, encoded for a long GOP
        std::vector<media::TrackInfo> sent_tracks;  // passthrough: what the output was told
    };
    struct Pending {
        SteadyTime arrival{};
        bool keyframe = false;
    };

    void run();
    void handle(InputItem& item);
    void on_tracks(TracksChange& change);
    void update_rungs(TracksChange& change, bool video_changed);
    void on_video(const InputItem& item);
    void on_audio(const InputItem& item);
    void on_discontinuity();
    void on_end();
    void abandon();
    void process_frame(FramePtr frame);
    void emit_audio(media::MediaPacket p);
    bool decoding_wanted() const;
    std::unique_ptr<RungState> make_rung(RungOutput ro);
    EncoderSettings settings_for(const Rung& rung) const;
    void configure_lane(RungState& r, bool force_tracks);
    void forward(RungState& r, media::MediaPacket p);  // a passthrough rung's packet

    // worker_top.cpp: the top rung when the source's GOP decides it.
    void watch_keyframes(const media::MediaPacket& p);
    void hold_for_top(media::MediaPacket p);
    void decide_top(bool long_gop, const char* how);
    void pass_top_through();
    void encode_top();
    void end_top_decision();

    // worker_load.cpp
    void update_load(SteadyTime now);
    int shed_level() const;
    int max_shed_level() const;
    void escalate(std::chrono::milliseconds lag);
    void deescalate();
    void shed(RungState& r);  // at an IDR: the rung's output lists a gap from here

    const LadderConfig config_;
    const std::string stream_id_;
    util::SystemClock system_clock_;
    const util::Clock* clock_;
    const std::function<void(const Rung&)> before_encode_;
    const std::shared_ptr<StatsBoard> board_;
    const std::shared_ptr<Emitter> emitter_;
    const AVPixelFormat pix_fmt_;
    InputQueue queue_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> finished_{false};
    std::mutex stop_mu_;
    std::vector<std::shared_ptr<live::Consumer>> stop_outputs_;

    // decode thread
    std::vector<std::unique_ptr<RungState>> rungs_;  // largest first
    std::set<const live::Consumer*> ended_outputs_;
    std::optional<media::TrackInfo> video_;
    std::optional<media::TrackInfo> audio_;      // as the source sends it
    std::optional<media::TrackInfo> out_audio_;  // as the outputs get it (AAC)
    std::unique_ptr<VideoDecoder> decoder_;
    bool decoder_failed_ = false;
    std::unique_ptr<AudioTranscoder> audio_tc_;
    bool need_keyframe_ = true;
    bool force_tracks_ = false;
    bool ended_ = false;
    std::map<std::int64_t, Pending> pending_;  // by pts, until the decoder returns the frame
    std::vector<FramePtr> frames_;
    std::vector<media::MediaPacket> audio_out_;
    IdrPlanner idr_;
    std::uint64_t frame_counter_ = 0;

    // top rung (worker_top.cpp)
    const std::shared_ptr<TranscodeSlots> slots_;
    TopPlan top_plan_ = TopPlan::fixed;
    std::vector<media::TrackInfo> top_tracks_;  // told to its output when passed through
    std::vector<media::MediaPacket> top_held_;  // its packets while deciding, in order
    std::size_t top_held_bytes_ = 0;
    std::optional<std::int64_t> first_key_dts_;  // the source's, since its video (re)started
    std::optional<int> x264_keyint_;             // from the first keyframe's SEI
    std::optional<std::int64_t> last_video_dts_;
    std::optional<std::int64_t> last_key_dts_;
    std::unique_ptr<TranscodeSlots::Slot> top_slot_;  // held while the top rung is encoded

    // load (worker_load.cpp)
    Shedder shedder_;
    int drop_level_ = 0;
    std::int64_t media_pos_ = 0;  // latest video dts processed, 90 kHz
    std::optional<std::int64_t> window_media_;
    SteadyTime window_start_{};
    std::chrono::nanoseconds busy_{0};
    std::chrono::nanoseconds window_busy_{0};
    std::optional<double> speed_;

    std::thread thread_;
};

}  // namespace nchat::transcode::detail
