#include "webrtc/reorder_buffer.hpp"

#include <algorithm>

#include "webrtc/limits.hpp"

namespace nchat::webrtc {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kMinGapWait{40};
constexpr milliseconds kMaxGapWait{250};
// NACKs for one packet are spaced by the RTT, but never closer than this: an RTT not yet
// measured (0) must not turn every nacks_due() call into a NACK.
constexpr milliseconds kMinNackSpacing{20};

}  // namespace

std::chrono::microseconds ReorderBuffer::gap_wait() const {
    return std::clamp<std::chrono::microseconds>(2 * rtt_, kMinGapWait, kMaxGapWait);
}

void ReorderBuffer::push(RtpPacket p, Clock::time_point now) {
    ++counters_.received;
    if (!started_) {
        started_ = true;
        next_ = highest_ = unwrapper_.unwrap(p.sequence);
        held_.emplace(next_, std::move(p));
        return;
    }
    std::int64_t ext = unwrapper_.unwrap(p.sequence);
    if (ext < next_) {
        const bool far = next_ - ext > limits::kMaxSeqMisorder;
        if (far && probation_ && p.sequence == probation_seq_) {
            resync(p.sequence);  // RFC 3550 A.1: two in a row far behind, the sender restarted
            ext = next_;
        } else {
            if (far) {
                probation_ = true;
                probation_seq_ = static_cast<std::uint16_t>(p.sequence + 1);
            }
            ++counters_.too_late;
            return;
        }
    } else if (ext - highest_ > limits::kMaxSeqDropout) {
        // Far ahead: a sender reset. SRTP authenticated it, so one packet is enough.
        resync(p.sequence);
        ext = next_;
    }
    probation_ = false;
    if (held_.contains(ext)) {
        ++counters_.duplicates;
        return;
    }
    if (ext > highest_) {
        add_missing(highest_ + 1, ext - 1, now);
        highest_ = ext;
    } else if (auto it = missing_.find(ext); it != missing_.end()) {
        if (it->second.nacks > 0) ++counters_.recovered;
        missing_.erase(it);
    }
    while (held_.size() >= limits::kMaxReorderPackets) {
        ++counters_.overflows;
        const std::int64_t first = held_.begin()->first;
        if (first > next_) give_up_to(first);
        release_head(gap_pending_);
    }
    held_.emplace(ext, std::move(p));
}

std::vector<ReorderBuffer::Released> ReorderBuffer::pop(Clock::time_point now) {
    std::vector<Released> out;
    for (auto& r : ready_)
        out.push_back(std::move(r));
    ready_.clear();
    while (!held_.empty()) {
        auto head = held_.begin();
        if (head->first == next_) {
            out.push_back({std::move(head->second), gap_pending_});
            gap_pending_ = false;
            held_.erase(head);
            ++next_;
            continue;
        }
        // A hole at next_: wait for it from when its first missing seq was found.
        auto m = missing_.lower_bound(next_);
        const bool tracked = m != missing_.end() && m->first < head->first;
        if (tracked && now - m->second.since < gap_wait()) break;
        give_up_to(head->first);
    }
    counters_.released += out.size();
    return out;
}

std::vector<std::uint16_t> ReorderBuffer::nacks_due(Clock::time_point now,
                                                    std::chrono::microseconds rtt) {
    rtt_ = rtt;
    const auto spacing = std::max<std::chrono::microseconds>(rtt, kMinNackSpacing);
    std::vector<std::uint16_t> out;
    for (auto& [ext, m] : missing_) {
        if (m.nacks >= limits::kMaxNackTries) continue;
        if (m.nacks > 0 && now - m.last_nack < spacing) continue;
        ++m.nacks;
        m.last_nack = now;
        out.push_back(static_cast<std::uint16_t>(ext));
    }
    counters_.nacks += out.size();
    return out;
}

void ReorderBuffer::resync(std::uint16_t seq) {
    ++counters_.resyncs;
    for (auto& [ext, p] : held_) {
        if (ext != next_) give_up_to(ext);
        ready_.push_back({std::move(p), gap_pending_});
        gap_pending_ = false;
        next_ = ext + 1;
    }
    held_.clear();
    missing_.clear();
    unwrapper_.reset();
    next_ = highest_ = unwrapper_.unwrap(seq);
    gap_pending_ = true;
    probation_ = false;
}

void ReorderBuffer::release_head(bool gap) {
    auto head = held_.begin();
    ready_.push_back({std::move(head->second), gap});
    gap_pending_ = false;
    next_ = head->first + 1;
    held_.erase(head);
}

void ReorderBuffer::give_up_to(std::int64_t ext) {
    counters_.lost += static_cast<std::uint64_t>(ext - next_);
    missing_.erase(missing_.begin(), missing_.lower_bound(ext));
    next_ = ext;
    gap_pending_ = true;
}

void ReorderBuffer::add_missing(std::int64_t from, std::int64_t to, Clock::time_point now) {
    const auto cap = static_cast<std::int64_t>(limits::kMaxMissingSeqs);
    from = std::max(from, to - cap + 1);
    for (std::int64_t s = from; s <= to; ++s)
        missing_.emplace(s, Missing{now, now, 0});
    while (missing_.size() > limits::kMaxMissingSeqs)
        missing_.erase(missing_.begin());
}

}  // namespace nchat::webrtc
