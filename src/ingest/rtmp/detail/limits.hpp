#pragma once
// Every bound on what an RTMP peer can make us hold, with its reason (STYLE.md).
#include <cstddef>
#include <cstdint>

namespace nchat::ingest::rtmp::limits {

// AMF0 commands from encoders nest 2-3 levels (connect's command object); 16 leaves room for
// odd clients while keeping recursion shallow.
inline constexpr int kMaxAmfDepth = 16;
// onMetaData from OBS has ~25 keys; 1024 keys or array elements is far past any encoder.
inline constexpr std::size_t kMaxAmfElements = 1024;
// Values in one message, nested ones included: the per-container cap alone multiplies with
// the depth (a strict array of nulls costs 1 byte a value on the wire and ~100 bytes decoded,
// so one 8 MiB message could decode to ~0.8 GB). onMetaData, the largest, has ~25 (above).
inline constexpr std::size_t kMaxAmfValues = 4096;

// Before a publish is accepted a peer is a stranger: an encoder has sent a handful of small
// commands (set chunk size, connect, releaseStream, FCPublish, createStream, publish). A connection
// that sends more messages or holds more bytes than this before its publish is accepted is closed;
// all of them together hold at most kMaxPrePublishBytesTotal.
inline constexpr std::size_t kMaxMessagesBeforePublish = 64;
inline constexpr std::size_t kMaxPrePublishBytes = 64 * 1024;
inline constexpr std::size_t kMaxPrePublishBytesTotal = 32 * 1024 * 1024;

// RTMP message lengths are u24 (§5.3.1.2.1); a 1080p keyframe from x264 is well under 1 MiB
// and a 4K one a few MiB. 8 MiB refuses nothing real and bounds one message.
inline constexpr std::uint32_t kMaxMessageSize = 8 * 1024 * 1024;
// All partially received messages of one connection together (several chunk streams may
// interleave): bounds the memory a peer can pin without completing anything.
inline constexpr std::size_t kMaxPartialBytes = 16 * 1024 * 1024;
// Encoders use 2-3 chunk streams for commands, audio and video; 64 is plenty.
inline constexpr std::size_t kMaxChunkStreams = 64;
// Set Chunk Size above the largest message we accept is pointless (§5.4.1 allows 2^31-1).
inline constexpr std::uint32_t kMaxChunkSize = kMaxMessageSize;

}  // namespace nchat::ingest::rtmp::limits
