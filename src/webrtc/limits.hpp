#pragma once
// Every bound the WebRTC transport puts on what a peer sends (STYLE.md, Parsers of untrusted
// bytes), each with its reason. One section per part of the transport.
#include <cstddef>
#include <cstdint>

namespace nchat::webrtc::limits {

// ---- STUN / ICE ----

// A browser's Binding request is ~100-200 bytes; anything over a common path MTU is not an ICE
// check, and the MESSAGE-INTEGRITY copy is bounded by it.
inline constexpr std::size_t kMaxStunMessage = 1500;
// A check carries ~8 attributes (USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, GOOG-*,
// MI, FINGERPRINT); 32 leaves room for extensions while bounding the work per datagram.
inline constexpr std::size_t kMaxStunAttributes = 32;
// RFC 8489 §14.3: USERNAME is fewer than 509 bytes.
inline constexpr std::size_t kMaxStunUsername = 508;
// RFC 8489 §14.8: the ERROR-CODE reason phrase is under 128 characters; we write ASCII ones.
inline constexpr std::size_t kMaxStunReason = 127;

// ---- SDP ----

// A Chromium offer with audio, video and simulcast is ~10 KiB; 64 KiB bounds a POST body we
// parse line by line.
inline constexpr std::size_t kMaxSdpSize = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxSdpLines = 2000;
// The longest real lines are fmtp with sprop-parameter-sets (a few hundred bytes).
inline constexpr std::size_t kMaxSdpLineLength = 4096;
// WHIP/WHEP use one audio and one video m-line; 16 allows data channels and extra tracks that we
// reject without refusing the offer.
inline constexpr std::size_t kMaxSdpMediaSections = 16;
// The RTP payload-type space is 128 values; Chromium offers ~25 video formats.
inline constexpr std::size_t kMaxSdpFormats = 128;
// Per codec: Chromium lists 5 rtcp-fb values.
inline constexpr std::size_t kMaxSdpRtcpFb = 16;
// RFC 8285 one-byte ids are 1-14, two-byte ids up to 255; Chromium offers ~12.
inline constexpr std::size_t kMaxSdpExtmaps = 32;
// a=ssrc lines name a media source, its RTX and FEC and simulcast layers: a handful per m-line.
inline constexpr std::size_t kMaxSdpSsrcs = 32;
// Trickle PATCH bodies carry a few candidates each (RFC 8840).
inline constexpr std::size_t kMaxSdpCandidates = 64;

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

// The DTLS record size we write: fits any path's MTU with IP, UDP and TURN headers (browsers
// use 1200 too), so a certificate flight is fragmented by DTLS, not by IP.
inline constexpr std::size_t kDtlsMtu = 1200;
// The largest datagram we read. Browsers keep RTP and DTLS under ~1250 bytes; anything longer
// than this is not WebRTC media and is dropped (MSG_TRUNC), counted.
inline constexpr std::size_t kMaxDatagram = 2048;
inline constexpr std::size_t kMaxDtlsDatagram = kMaxDatagram;
// 5-tuples one peer may validate with checks: one per candidate pair it tries (host, srflx,
// relay, IPv4 and IPv6), so a peer cannot fill the server's 5-tuple table.
inline constexpr std::size_t kMaxTuplesPerTransport = 16;

// ---- ICE-TCP (RFC 6544, framing RFC 4571) ----

// One frame carries what one UDP datagram would (a STUN check, a DTLS record, an SRTP packet),
// so the same bound; a length over it is not ICE-TCP and closes the connection.
inline constexpr std::size_t kMaxTcpFrame = kMaxDatagram;
// Bytes waiting to go out on one connection, framed. ~1 s of a 4 Mb/s stream: a viewer whose
// TCP path cannot take the stream loses packets (counted; NACK and PLI recover) instead of
// growing the server's memory or the stream's latency without bound.
inline constexpr std::size_t kMaxTcpQueuedBytes = std::size_t{512} * 1024;
// Connections on the ICE-TCP port at once. Each session brings one per TCP candidate it tries
// (one per address we offer); this bounds the server's descriptors whatever peers do.
inline constexpr std::size_t kMaxTcpConnections = 2048;
// Connections that have not yet sent an authenticated check. A browser sends its check right
// after the handshake, so legitimate ones leave this state within a round trip; the cap and
// the deadline below keep a slowloris from holding the port's slots.
inline constexpr std::size_t kMaxTcpPending = 128;

}  // namespace nchat::webrtc::limits
