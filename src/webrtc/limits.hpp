#pragma once
// Every bound the WebRTC transport puts on what a peer sends (STYLE.md, Parsers of untrusted
// bytes), each with its reason. One section per part of the transport.
#include <cstddef>
#include <cstdint>

namespace nchat::webrtc::limits {

// ---- STUN / ICE ----

// ---- SDP ----

// ---- RTP / RTCP and depacketizers ----

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

}  // namespace nchat::webrtc::limits
