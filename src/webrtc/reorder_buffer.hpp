#pragma once
// Per-SSRC reorder buffer and NACK scheduler. Pure: time and RTT are passed in.
//
// Packets go in as they arrive and come out in sequence order. A hole blocks the packets
// behind it until it fills or has waited gap_wait(): max(2 x RTT, 40 ms), at most 250 ms.
// Two RTTs let one NACK and its retransmission land (plus one more try on a lossy path);
// 40 ms covers network reordering when the RTT is tiny; past 250 ms a live viewer is better
// served by a keyframe request than by waiting. Then the packets behind it come out with
// gap_before = true and the missing ones are given up.
//
// Call pop() after every push(): a resync or an overflow parks packets until then. The first
// packet starts the sequence, so one reordered before it at start-up is dropped as too late.
// The first NACK for a hole goes at once (as libwebrtc's NackModule does), so reordering by a
// packet or two costs a spurious NACK, never a wait.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "webrtc/rtp_packet.hpp"

namespace nchat::webrtc {

class ReorderBuffer {
public:
    using Clock = std::chrono::steady_clock;

    struct Released {
        RtpPacket packet;
        bool gap_before = false;  // packets before this one were lost (or the sender reset)
    };

    struct Counters {
        std::uint64_t received = 0;
        std::uint64_t released = 0;
        std::uint64_t duplicates = 0;  // already held
        std::uint64_t too_late = 0;    // behind what was released (given up on, or a duplicate)
        std::uint64_t lost = 0;        // sequence numbers given up
        std::uint64_t recovered = 0;   // arrived after being NACKed
        std::uint64_t resyncs = 0;     // a jump over kMaxSeqDropout / kMaxSeqMisorder
        std::uint64_t overflows = 0;   // released early because the buffer was full
        std::uint64_t nacks = 0;       // sequence numbers returned by nacks_due()
    };

    void push(RtpPacket p, Clock::time_point now);
    // Everything that can come out now, in order.
    std::vector<Released> pop(Clock::time_point now);
    // Missing sequence numbers to NACK now: each at once when found missing, again every RTT,
    // at most kMaxNackTries times. Also sets the RTT gap_wait() uses.
    std::vector<std::uint16_t> nacks_due(Clock::time_point now, std::chrono::microseconds rtt);
    void set_rtt(std::chrono::microseconds rtt) { rtt_ = rtt; }
    std::chrono::microseconds gap_wait() const;

    const Counters& counters() const { return counters_; }
    std::size_t size() const { return held_.size(); }
    std::size_t missing() const { return missing_.size(); }

private:
    struct Missing {
        Clock::time_point since;
        Clock::time_point last_nack;
        int nacks = 0;
    };

    void resync(std::uint16_t seq);
    void release_head(bool gap);
    void give_up_to(std::int64_t ext);
    void add_missing(std::int64_t from, std::int64_t to, Clock::time_point now);

    bool started_ = false;
    SequenceUnwrapper unwrapper_;
    std::int64_t next_ = 0;     // the extended seq to release next
    std::int64_t highest_ = 0;  // the highest extended seq seen
    bool gap_pending_ = false;  // the next released packet follows a loss
    // A packet far behind: A.1 resyncs when the one after it follows it (seq + 1).
    bool probation_ = false;
    std::uint16_t probation_seq_ = 0;
    std::map<std::int64_t, RtpPacket> held_;
    std::map<std::int64_t, Missing> missing_;
    std::deque<Released> ready_;  // released by a resync or an overflow, not yet popped
    std::chrono::microseconds rtt_{0};
    Counters counters_;
};

}  // namespace nchat::webrtc
