#pragma once
// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-
// extensions-01 §3.1): RTPFB FMT 15. We record when each packet carrying the transport-wide
// sequence number extension arrived and tell the sender, so its bandwidth estimator works.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "util/byte_reader.hpp"
#include "webrtc/rtcp.hpp"
#include "webrtc/rtp_packet.hpp"

namespace nchat::webrtc {

// The FCI after the sender and media SSRCs (parse_rtcp calls this). malformed when a chunk or
// delta is missing or a status is the reserved 11; too_large over kMaxTwccStatuses.
util::Result<TransportFeedback> parse_transport_feedback(util::ByteReader& fci,
                                                         std::uint32_t sender_ssrc,
                                                         std::uint32_t media_ssrc);

// One feedback packet for the statuses from `base_seq` on: nullopt = not received, else the
// receive delta in 250 µs units from the previous received packet (the first one's from
// reference_time x 64 ms). Padded with the P bit, so it goes alone or last in a compound.
std::vector<std::uint8_t> build_transport_feedback(
    std::uint32_t sender_ssrc,
    std::uint32_t media_ssrc,
    std::uint16_t base_seq,
    std::int32_t reference_time,
    std::uint8_t feedback_count,
    std::span<const std::optional<std::int16_t>> deltas);

// Arrivals since the last take_feedback(), as feedback packets. Pure: arrival times are
// passed in (microseconds on any steady clock).
class TransportCcRecorder {
public:
    struct Counters {
        std::uint64_t recorded = 0;
        std::uint64_t late = 0;       // arrived after feedback already called it lost
        std::uint64_t forgotten = 0;  // pushed out by kMaxTwccRecorded
    };

    void record(std::uint16_t transport_seq, std::int64_t arrival_us);
    // Feedback for every sequence number from the first unreported one to the highest
    // recorded, split in packets of at most kMaxTwccPerFeedback statuses (or where a delta
    // does not fit 16 bits). Empty when nothing arrived.
    std::vector<std::vector<std::uint8_t>> take_feedback(std::uint32_t sender_ssrc,
                                                         std::uint32_t media_ssrc);
    const Counters& counters() const { return counters_; }

private:
    SequenceUnwrapper unwrapper_;
    std::map<std::int64_t, std::int64_t> arrivals_;  // extended seq → arrival µs
    bool started_ = false;
    bool reported_ = false;
    std::int64_t next_ = 0;  // the first extended seq not yet reported
    std::uint8_t feedback_count_ = 0;
    Counters counters_;
};

}  // namespace nchat::webrtc
