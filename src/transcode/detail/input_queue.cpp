#include "transcode/detail/input_queue.hpp"

#include <algorithm>

#include "media/avc_framing.hpp"

namespace nchat::transcode::detail {
namespace {

std::size_t size_of(const media::MediaPacket& p) {
    return p.data ? p.data->size() : 0;
}

}  // namespace

InputQueue::InputQueue(std::size_t max_packets, std::size_t max_bytes)
    : max_packets_(std::max<std::size_t>(max_packets, 8)),
      max_bytes_(std::max<std::size_t>(max_bytes, 1 << 20)) {}

bool InputQueue::full(std::size_t incoming_bytes) const {
    return packets_ >= max_packets_ || bytes_ + incoming_bytes > max_bytes_;
}

void InputQueue::append(InputItem item, std::size_t bytes) {
    if (item.kind == InputItem::Kind::packet) {
        ++packets_;
        bytes_ += bytes;
    }
    items_.push_back(std::move(item));
    counters_.max_depth = std::max(counters_.max_depth, packets_);
    cv_.notify_one();
}

bool InputQueue::push_packet(const media::MediaPacket& p,
                             bool video,
                             SteadyClock::time_point arrival) {
    const auto bytes = size_of(p);
    std::lock_guard lock(mu_);
    if (stopped_) return false;
    auto drop = [&] {
        ++(video ? counters_.dropped_video : counters_.dropped_audio);
        return false;
    };
    if (video && video_gap_) {
        if (!p.keyframe) return drop();
        video_gap_ = false;
    }
    if (full(bytes)) {
        const bool disposable = video && !p.keyframe && p.data && media::is_disposable(*p.data);
        if (disposable) return drop();
        // Make room by evicting the newest disposable frame still waiting, if any.
        auto victim = std::find_if(items_.rbegin(), items_.rend(), [](const InputItem& it) {
            return it.kind == InputItem::Kind::packet && it.video && !it.packet.keyframe &&
                   it.packet.data && media::is_disposable(*it.packet.data);
        });
        if (victim == items_.rend()) {
            if (video) video_gap_ = true;
            return drop();
        }
        --packets_;
        bytes_ -= size_of(victim->packet);
        ++counters_.dropped_video;
        items_.erase(std::next(victim).base());
        if (full(bytes)) {
            if (video) video_gap_ = true;
            return drop();
        }
    }
    InputItem item;
    item.kind = InputItem::Kind::packet;
    item.video = video;
    item.packet = p;
    item.arrival = arrival;
    append(std::move(item), bytes);
    return true;
}

void InputQueue::push_control(InputItem item) {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    if (item.kind == InputItem::Kind::tracks && full(0)) {
        auto pending = std::find_if(items_.rbegin(), items_.rend(), [](const InputItem& it) {
            return it.kind == InputItem::Kind::tracks;
        });
        if (pending != items_.rend()) {
            auto& old = *pending->tracks;
            old.source = std::move(item.tracks->source);
            old.rungs = std::move(item.tracks->rungs);
            for (auto& r : item.tracks->removed)
                old.removed.push_back(std::move(r));
            return;
        }
    }
    if (item.kind == InputItem::Kind::discontinuity && !items_.empty() &&
        items_.back().kind == InputItem::Kind::discontinuity) {
        return;  // back-to-back reconnects: one is enough
    }
    append(std::move(item), 0);
}

std::optional<InputItem> InputQueue::pop(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return stopped_ || !items_.empty(); });
    if (stopped_ || items_.empty()) return std::nullopt;
    InputItem item = std::move(items_.front());
    items_.pop_front();
    if (item.kind == InputItem::Kind::packet) {
        --packets_;
        bytes_ -= size_of(item.packet);
    }
    return item;
}

void InputQueue::stop() {
    std::deque<InputItem> abandoned;  // destroyed outside the lock: they may hold outputs
    std::lock_guard lock(mu_);
    stopped_ = true;
    abandoned.swap(items_);
    packets_ = bytes_ = 0;
    cv_.notify_all();
}

bool InputQueue::under_pressure() const {
    std::lock_guard lock(mu_);
    return packets_ >= max_packets_ * 7 / 8 || bytes_ >= max_bytes_ * 7 / 8;
}

std::size_t InputQueue::depth() const {
    std::lock_guard lock(mu_);
    return packets_;
}

std::optional<SteadyClock::time_point> InputQueue::head_arrival() const {
    std::lock_guard lock(mu_);
    for (const auto& it : items_) {
        if (it.kind == InputItem::Kind::packet) return it.arrival;
    }
    return std::nullopt;
}

InputQueueCounters InputQueue::counters() const {
    std::lock_guard lock(mu_);
    return counters_;
}

}  // namespace nchat::transcode::detail
