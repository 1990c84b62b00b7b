#pragma once
// The frames a Feed has packetized (stream strand) and not yet sent (UDP strand), bounded
// (issue 14: 500 viewers). When the UDP strand falls behind, the oldest whole frame is dropped
// and counted, so the server's memory and the viewers' delay stay bounded and the strand is
// never handed more work than it can do; a viewer that loses a video frame resumes at the next
// keyframe. Any thread: the two strands meet here, under a mutex held for a push or a pop.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "play/whep/out_packet.hpp"

namespace nchat::play::whep {

struct QueuedFrame {
    std::vector<OutPacket> packets;
    bool video = false;
};

struct FrameQueueStats {
    std::uint64_t pushed = 0;
    std::uint64_t dropped_video = 0, dropped_audio = 0;  // frames, oldest first
    std::size_t max_depth = 0;                           // most frames ever waiting
};

class FrameQueue {
public:
    explicit FrameQueue(std::size_t capacity);

    // Producer. True when the consumer must be woken: it had emptied the queue and is idle
    // (exactly one wakeup is owed per idle period, so the consumer posts no more than one turn).
    bool push(QueuedFrame f);
    // Consumer. The oldest frame; nullopt when none, and the consumer is then idle until a push
    // returns true.
    std::optional<QueuedFrame> pop();
    // Consumer. Frames dropped since the last call (video, audio).
    struct Dropped {
        std::uint64_t video = 0, audio = 0;
    };
    Dropped take_dropped();
    FrameQueueStats stats() const;
    std::size_t capacity() const { return capacity_; }

private:
    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::deque<QueuedFrame> frames_;
    bool consumer_busy_ = false;
    Dropped unseen_;
    FrameQueueStats stats_;
};

}  // namespace nchat::play::whep
