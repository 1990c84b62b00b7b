#pragma once
// Compound RTCP (RFC 3550 §6) with the feedback messages WebRTC uses (RFC 4585, RFC 5104,
// draft-alvestrand-rmcat-remb, draft-holmer-rmcat-transport-wide-cc-extensions): parsing what
// peers send, building what we send.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "util/result.hpp"
#include "webrtc/rtp_error.hpp"

namespace nchat::webrtc {

struct ReportBlock {  // RFC 3550 §6.4.1
    std::uint32_t ssrc = 0;
    std::uint8_t fraction_lost = 0;    // 8-bit fixed point, /256
    std::int32_t cumulative_lost = 0;  // signed 24-bit on the wire
    std::uint32_t highest_seq = 0;     // extended
    std::uint32_t jitter = 0;          // RTP clock units
    std::uint32_t lsr = 0;             // middle 32 bits of the last SR's NTP time
    std::uint32_t dlsr = 0;            // 1/65536 s since that SR
    bool operator==(const ReportBlock&) const = default;
};

struct SenderReport {  // PT 200
    std::uint32_t ssrc = 0;
    std::uint64_t ntp = 0;
    std::uint32_t rtp_timestamp = 0;
    std::uint32_t packet_count = 0;
    std::uint32_t octet_count = 0;
    std::vector<ReportBlock> blocks;
    bool operator==(const SenderReport&) const = default;
};

struct ReceiverReport {  // PT 201
    std::uint32_t ssrc = 0;
    std::vector<ReportBlock> blocks;
    bool operator==(const ReceiverReport&) const = default;
};

struct Nack {  // PT 205 FMT 1 (RFC 4585 §6.2.1)
    std::uint32_t sender_ssrc = 0;
    std::uint32_t media_ssrc = 0;
    std::vector<std::uint16_t> lost;  // in FCI order, at most kMaxNackSeqs
    bool operator==(const Nack&) const = default;
};

struct Pli {  // PT 206 FMT 1 (RFC 4585 §6.3.1)
    std::uint32_t sender_ssrc = 0;
    std::uint32_t media_ssrc = 0;
    bool operator==(const Pli&) const = default;
};

struct FirEntry {
    std::uint32_t ssrc = 0;
    std::uint8_t seq = 0;
    bool operator==(const FirEntry&) const = default;
};

struct Fir {  // PT 206 FMT 4 (RFC 5104 §4.3.1)
    std::uint32_t sender_ssrc = 0;
    std::vector<FirEntry> entries;
    bool operator==(const Fir&) const = default;
};

struct Remb {  // PT 206 FMT 15, "REMB" (draft-alvestrand-rmcat-remb-03 §2.2)
    std::uint32_t sender_ssrc = 0;
    std::uint64_t bitrate_bps = 0;  // mantissa << exp, saturated
    std::vector<std::uint32_t> ssrcs;
    bool operator==(const Remb&) const = default;
};

struct Bye {  // PT 203
    std::vector<std::uint32_t> ssrcs;
    bool operator==(const Bye&) const = default;
};

struct TransportFeedback {  // PT 205 FMT 15 (draft-holmer-...-01 §3.1)
    struct Received {
        std::uint16_t seq = 0;
        // reference_time x 64 ms + the receive deltas so far: the peer's clock, microseconds.
        std::int64_t arrival_us = 0;
        bool operator==(const Received&) const = default;
    };
    std::uint32_t sender_ssrc = 0;
    std::uint32_t media_ssrc = 0;
    std::uint16_t base_seq = 0;
    std::uint16_t status_count = 0;
    std::int32_t reference_time = 0;  // signed 24-bit, 64 ms units
    std::uint8_t feedback_count = 0;
    std::vector<Received> received;  // the packets with status "received", in order
    bool operator==(const TransportFeedback&) const = default;
};

struct Unknown {  // SDES, APP, XR, other feedback: skipped
    std::uint8_t pt = 0;
    std::uint8_t fmt = 0;  // the 5-bit count/FMT field
    bool operator==(const Unknown&) const = default;
};

using RtcpItem = std::
    variant<SenderReport, ReceiverReport, Nack, Pli, Fir, Remb, Bye, TransportFeedback, Unknown>;

// Every packet of a compound datagram. truncated when a length runs past the end, bad_version,
// malformed (padding not on the last packet, a feedback message too short for its FCI),
// too_large (over kMaxRtcpPacket or kMaxRtcpItems).
util::Result<std::vector<RtcpItem>> parse_rtcp(std::span<const std::uint8_t> datagram);

// ---- Builders: one RTCP packet each; concatenate them for a compound packet. ----
// At most 31 blocks go in (the 5-bit count); the rest are left out.
std::vector<std::uint8_t> build_receiver_report(std::uint32_t sender_ssrc,
                                                std::span<const ReportBlock> blocks);
std::vector<std::uint8_t> build_sender_report(const SenderReport& sr);
// `seqs` are packed into {PID, BLP} pairs in the order given (ascending works best).
std::vector<std::uint8_t> build_nack(std::uint32_t sender_ssrc,
                                     std::uint32_t media_ssrc,
                                     std::span<const std::uint16_t> seqs);
std::vector<std::uint8_t> build_pli(std::uint32_t sender_ssrc, std::uint32_t media_ssrc);
std::vector<std::uint8_t> build_fir(std::uint32_t sender_ssrc,
                                    std::uint32_t media_ssrc,
                                    std::uint8_t seq);
std::vector<std::uint8_t> build_remb(std::uint32_t sender_ssrc,
                                     std::uint64_t bitrate_bps,
                                     std::span<const std::uint32_t> ssrcs);
std::vector<std::uint8_t> build_bye(std::span<const std::uint32_t> ssrcs);

// The 32 bits of an NTP timestamp an LSR carries (RFC 3550 §6.4.1).
inline std::uint32_t ntp_middle(std::uint64_t ntp) {
    return static_cast<std::uint32_t>(ntp >> 16);
}
// A wall-clock time as a 64-bit NTP timestamp (seconds since 1900, 32.32 fixed point), for the
// SRs that let browsers synchronise audio and video. The caller reads the clock.
std::uint64_t to_ntp(std::chrono::system_clock::time_point t);
// RFC 3550 §6.4.1: RTT = A - LSR - DLSR, with A the middle of our NTP time when the block
// arrived. nullopt when the block refers to no SR of ours (LSR 0) or comes out negative.
std::optional<std::chrono::microseconds> rtt_from_report_block(const ReportBlock& b,
                                                               std::uint32_t arrival_ntp_middle);

}  // namespace nchat::webrtc
