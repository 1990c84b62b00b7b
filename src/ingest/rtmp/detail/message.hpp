#pragma once
// An RTMP message (RTMP 1.0 §6.1) and its type ids (§5.4, §7.1).
#include <cstdint>
#include <vector>

namespace nchat::ingest::rtmp {

namespace msg {
inline constexpr std::uint8_t kSetChunkSize = 1;
inline constexpr std::uint8_t kAbort = 2;
inline constexpr std::uint8_t kAck = 3;
inline constexpr std::uint8_t kUserControl = 4;
inline constexpr std::uint8_t kWindowAckSize = 5;
inline constexpr std::uint8_t kSetPeerBandwidth = 6;
inline constexpr std::uint8_t kAudio = 8;
inline constexpr std::uint8_t kVideo = 9;
inline constexpr std::uint8_t kDataAmf3 = 15;
inline constexpr std::uint8_t kCommandAmf3 = 17;
inline constexpr std::uint8_t kDataAmf0 = 18;
inline constexpr std::uint8_t kCommandAmf0 = 20;
inline constexpr std::uint8_t kAggregate = 22;
}  // namespace msg

struct Message {
    std::uint32_t csid = 0;
    std::uint32_t timestamp = 0;  // ms, wraps at 2^32 (§5.3.1.3)
    std::uint8_t type = 0;
    std::uint32_t stream_id = 0;
    std::vector<std::uint8_t> payload;
};

}  // namespace nchat::ingest::rtmp
