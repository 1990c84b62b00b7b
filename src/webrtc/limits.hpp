#pragma once
// Every bound the WebRTC transport puts on what a peer sends (STYLE.md, Parsers of untrusted
// bytes), each with its reason. One section per part of the transport.
#include <cstddef>
#include <cstdint>

namespace nchat::webrtc::limits {

// ---- STUN / ICE ----

// ---- SDP ----

// ---- RTP / RTCP and depacketizers ----

// One decrypted datagram. Paths carry ~1200-byte packets (browsers aim under a 1280 MTU); 8 KiB
// leaves room for loopback and jumbo tests while keeping every offset in a u16.
inline constexpr std::size_t kMaxRtpPacket = 8192;
// A compound RTCP datagram: same reasoning as kMaxRtpPacket.
inline constexpr std::size_t kMaxRtcpPacket = 8192;
// Items one compound RTCP packet may yield: browsers send 2-4 (SR/RR, SDES, REMB or TWCC).
inline constexpr std::size_t kMaxRtcpItems = 64;
// Sequence numbers one NACK item may list: 17 per FCI, a full datagram holds ~500 FCIs.
inline constexpr std::size_t kMaxNackSeqs = 1024;
// FIR entries / REMB SSRCs in one item: a session has a handful of streams.
inline constexpr std::size_t kMaxFirEntries = 32;
inline constexpr std::size_t kMaxRembSsrcs = 32;
// Packet statuses one transport-wide feedback may cover. A run-length chunk says 8191 in two
// bytes, so this bounds what a peer can make us walk; Chrome reports every ~100 ms, a few
// hundred packets.
inline constexpr std::size_t kMaxTwccStatuses = 8192;
// What TransportCcRecorder remembers between two take_feedback() calls (~2 s of 5 Mbit/s video)
// and how many statuses one feedback packet it builds covers (keeps it under ~1200 bytes).
inline constexpr std::size_t kMaxTwccRecorded = 4096;
inline constexpr std::size_t kMaxTwccPerFeedback = 400;

// Reorder buffer, per SSRC. Packets held while waiting for a gap to fill: ~1 s of 5 Mbit/s
// video in 1200-byte packets; past this the oldest are released with a gap.
inline constexpr std::size_t kMaxReorderPackets = 512;
// Missing sequence numbers tracked for NACK (libwebrtc's NackModule keeps 1000).
inline constexpr std::size_t kMaxMissingSeqs = 1000;
// RFC 3550 A.1: a jump ahead over MAX_DROPOUT or back over MAX_MISORDER is a sender reset (or
// garbage), not loss; we resync instead of NACKing thousands of packets.
inline constexpr std::int64_t kMaxSeqDropout = 3000;
inline constexpr std::int64_t kMaxSeqMisorder = 100;
// NACKs per missing packet (libwebrtc gives up after 10; past 3 the frame is too late for live).
inline constexpr int kMaxNackTries = 3;

// Depacketizers. An access unit / frame: a 4K IDR at high quality is ~1-2 MB.
inline constexpr std::size_t kMaxFrameBytes = 4 * 1024 * 1024;
// NAL units in one H.264 access unit (slices, SEI, parameter sets); encoders use a few dozen.
inline constexpr std::size_t kMaxNalsPerAccessUnit = 256;
// An SPS or PPS kept for the avcC record; real ones are under 100 bytes.
inline constexpr std::size_t kMaxParameterSet = 1024;

// ---- DTLS / SRTP / sockets ----

}  // namespace nchat::webrtc::limits
