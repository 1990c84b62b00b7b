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

// ---- DTLS / SRTP / sockets ----

}  // namespace nchat::webrtc::limits
