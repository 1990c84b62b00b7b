#include "play/whep/frame_queue.hpp"

#include <algorithm>
#include <cassert>

namespace nchat::play::whep {

FrameQueue::FrameQueue(std::size_t capacity) : capacity_(capacity) {
    assert(capacity_ > 0);
}

bool FrameQueue::push(QueuedFrame f) {
    std::lock_guard lock(mutex_);
    ++stats_.pushed;
    if (frames_.size() >= capacity_) {
        // The oldest goes: the viewers skip ahead, the stream never waits (STYLE.md, Asio).
        auto& counter = frames_.front().video ? stats_.dropped_video : stats_.dropped_audio;
        ++counter;
        ++(frames_.front().video ? unseen_.video : unseen_.audio);
        frames_.pop_front();
    }
    frames_.push_back(std::move(f));
    stats_.max_depth = std::max(stats_.max_depth, frames_.size());
    if (consumer_busy_) return false;
    consumer_busy_ = true;
    return true;
}

std::optional<QueuedFrame> FrameQueue::pop() {
    std::lock_guard lock(mutex_);
    if (frames_.empty()) {
        consumer_busy_ = false;
        return std::nullopt;
    }
    auto f = std::move(frames_.front());
    frames_.pop_front();
    return f;
}

FrameQueue::Dropped FrameQueue::take_dropped() {
    std::lock_guard lock(mutex_);
    return std::exchange(unseen_, {});
}

FrameQueueStats FrameQueue::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

}  // namespace nchat::play::whep
