#pragma once
// The WebSocket layer's limits, each with its reason (docs/realtime.md, Limits). The ones an
// operator may need to move are also options (ws::Options); these are the defaults and the
// hard caps behind them.
#include <chrono>
#include <cstddef>

namespace nchat::realtime::ws::limits {

// A client message larger than this is answered with `too_large` and skipped (the connection
// stays): chat content is at most 500 code points (2 KiB of UTF-8), so 16 KiB is generous.
inline constexpr std::size_t kMaxMessageBytes = 16 * 1024;
// Beyond this the message is not skipped but refused by the WebSocket layer (close 1009):
// reading it to the end would cost a client-chosen amount of time.
inline constexpr std::size_t kMaxSkippableMessageBytes = 1024 * 1024;
// Bytes read from the socket per call while a message arrives; lives in the session's read
// frame, so it is paid by every idle connection.
inline constexpr std::size_t kReadChunk = 256;
// Bad frames (non-JSON, binary, unknown type, oversize) answered before the connection counts
// as a flood and is closed (1008), per window.
inline constexpr int kMaxBadFrames = 20;
inline constexpr std::chrono::seconds kBadFrameWindow{10};
// Rooms one connection may be in at once: a page shows a stream or a handful.
inline constexpr std::size_t kMaxSubscriptions = 16;
// Resume replays at most this many missed chat messages (newest lost beyond: the client gets
// `data.truncated` and pages the rest over REST).
inline constexpr std::size_t kMaxReplay = 2000;
inline constexpr int kReplayPage = 500;
// Live events held back for a room while its replay is read from the store.
inline constexpr std::size_t kMaxHeldDuringReplay = 4096;
// Frames gathered into one write (writev); the kernel's IOV_MAX is 1024, asio's cap is 64.
inline constexpr std::size_t kMaxGather = 32;
// Control bytes Beast may queue (pongs, the handshake answer); beyond, pongs are dropped.
inline constexpr std::size_t kMaxControlBytes = 64 * 1024;
// After our close frame, the peer has this long to answer before the socket is closed.
inline constexpr std::chrono::seconds kCloseLinger{2};
// Field sizes of requests (bytes). Ids are UUIDs (36); tokens are API tokens or JWTs.
inline constexpr std::size_t kMaxIdBytes = 128;
inline constexpr std::size_t kMaxRequestIdBytes = 64;
inline constexpr std::size_t kMaxTokenBytes = 8 * 1024;
inline constexpr std::size_t kMaxEmojiBytes = 64;
inline constexpr std::size_t kMaxReasonBytes = 500;
inline constexpr int kMaxJsonDepth = 4;

}  // namespace nchat::realtime::ws::limits
