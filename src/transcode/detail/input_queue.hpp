#pragma once
// The bounded queue between the stream strand (producer: never waits) and the transcoder's
// worker thread (consumer). When full it drops what hurts least: disposable video frames
// (nal_ref_idc 0) first, then — for video — everything up to the next keyframe, since frames
// referring to a dropped one cannot be decoded; audio that does not fit is dropped.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "live/consumer.hpp"
#include "media/packet.hpp"
#include "media/track.hpp"
#include "transcode/ladder.hpp"

namespace nchat::transcode::detail {

using SteadyClock = std::chrono::steady_clock;

struct RungOutput {
    Rung rung;
    std::shared_ptr<live::Consumer> output;
};

// A new source configuration, planned on the strand: the full set of rungs with their outputs,
// and the outputs that are gone (they get on_end in order with their packets).
struct TracksChange {
    std::vector<media::TrackInfo> source;
    std::vector<RungOutput> rungs;
    std::vector<std::shared_ptr<live::Consumer>> removed;
};

struct InputItem {
    enum class Kind : std::uint8_t { tracks, packet, discontinuity, end };
    Kind kind = Kind::packet;
    bool video = false;
    media::MediaPacket packet;
    SteadyClock::time_point arrival{};
    std::shared_ptr<TracksChange> tracks;
};

struct InputQueueCounters {
    std::uint64_t dropped_video = 0;
    std::uint64_t dropped_audio = 0;
    std::size_t max_depth = 0;
};

class InputQueue {
public:
    InputQueue(std::size_t max_packets, std::size_t max_bytes);

    // Producer (stream strand). Never blocks. False when the packet was dropped.
    bool push_packet(const media::MediaPacket& p, bool video, SteadyClock::time_point arrival);
    // Tracks, discontinuity and end are never dropped; a tracks change meeting a full queue is
    // merged into the one already waiting (the worker only needs the latest plan).
    void push_control(InputItem item);

    // Consumer: the next item, waiting up to `timeout`; nullopt on timeout or after stop().
    std::optional<InputItem> pop(std::chrono::milliseconds timeout);
    void stop();

    std::size_t depth() const;
    // Seven eighths full, by packets or bytes: the consumer is about to lose packets.
    bool under_pressure() const;
    std::size_t capacity() const { return max_packets_; }
    std::optional<SteadyClock::time_point> head_arrival() const;
    InputQueueCounters counters() const;

private:
    bool full(std::size_t incoming_bytes) const;
    void append(InputItem item, std::size_t bytes);

    const std::size_t max_packets_;
    const std::size_t max_bytes_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<InputItem> items_;
    std::size_t bytes_ = 0;
    std::size_t packets_ = 0;
    bool video_gap_ = false;  // a reference frame was dropped: drop video up to a keyframe
    bool stopped_ = false;
    InputQueueCounters counters_;
};

}  // namespace nchat::transcode::detail
