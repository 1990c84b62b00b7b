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

}  // namespace nchat::webrtc::limits
