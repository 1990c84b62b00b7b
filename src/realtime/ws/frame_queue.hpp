#pragma once
// A connection's outbound frames, in order, with the bytes of the front one already written.
// Small when idle (an empty vector), so ten thousand idle connections cost little; the
// session bounds it (ws::Options) and counts what it refuses.
#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

#include <boost/asio/buffer.hpp>

#include "realtime/ws/frame.hpp"
#include "realtime/ws/limits.hpp"

namespace nchat::realtime::ws {

// Up to kMaxGather buffers for one writev; copied into the pending write operation.
struct Gather {
    std::array<boost::asio::const_buffer, limits::kMaxGather> buffers;
    std::size_t count = 0;
    const boost::asio::const_buffer* begin() const { return buffers.data(); }
    const boost::asio::const_buffer* end() const { return buffers.data() + count; }
};

class FrameQueue {
public:
    bool empty() const { return head_ == items_.size(); }
    std::size_t frames() const { return items_.size() - head_; }
    std::size_t bytes() const { return bytes_; }

    void push(Frame f) {
        bytes_ += f->size();
        items_.push_back(std::move(f));
    }

    // The unwritten bytes of up to `max` front frames. Valid until the next push or consume.
    Gather gather(std::size_t max = limits::kMaxGather) const {
        Gather g;
        auto n = std::min({max, frames(), g.buffers.size()});
        for (std::size_t i = 0; i < n; ++i) {
            const auto& f = *items_[head_ + i];
            std::size_t skip = i == 0 ? offset_ : 0;
            g.buffers[i] = boost::asio::const_buffer(f.data() + skip, f.size() - skip);
        }
        g.count = n;
        return g;
    }

    // `n` bytes from the front were written.
    void consume(std::size_t n) {
        bytes_ -= std::min(n, bytes_);
        while (n > 0 && !empty()) {
            std::size_t left = items_[head_]->size() - offset_;
            if (n < left) {
                offset_ += n;
                return;
            }
            n -= left;
            items_[head_].reset();
            ++head_;
            offset_ = 0;
        }
        compact();
    }

    // Drops what is not written yet, except the first `keep` frames (a write in flight reads
    // them; a frame partly on the wire must finish or the peer sees a torn frame). Returns
    // how many frames were dropped.
    std::size_t drop_unsent(std::size_t keep) {
        keep = std::max<std::size_t>(keep, offset_ > 0 ? 1 : 0);
        if (frames() <= keep) return 0;
        std::size_t dropped = frames() - keep;
        items_.resize(head_ + keep);
        bytes_ = 0;
        for (std::size_t i = head_; i < items_.size(); ++i)
            bytes_ += items_[i]->size();
        bytes_ -= offset_;
        compact();
        return dropped;
    }

private:
    void compact() {
        if (empty()) {
            head_ = 0;
            offset_ = 0;
            // A burst may have grown it: give the memory back once it is drained.
            if (items_.capacity() > 64) {
                std::vector<Frame>().swap(items_);
            } else {
                items_.clear();
            }
        } else if (head_ >= 64 && head_ * 2 >= items_.size()) {
            items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }

    std::vector<Frame> items_;
    std::size_t head_ = 0;
    std::size_t offset_ = 0;  // bytes of items_[head_] already written
    std::size_t bytes_ = 0;   // unwritten bytes
};

}  // namespace nchat::realtime::ws
