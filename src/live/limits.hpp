#pragma once
#include <cstddef>

namespace nchat::live::limits {

// The GOP kept for late joiners. OBS's default keyframe interval can reach 10 s; at 8 Mbps
// that is 10 MB. 32 MiB or 4000 packets covers that with room, and bounds a stream whose
// keyframes never come (then joiners wait for the next keyframe; counted).
inline constexpr std::size_t kMaxGopBytes = 32 * 1024 * 1024;
inline constexpr std::size_t kMaxGopPackets = 4000;
// Audio-only streams: any frame is a start point; keep about the last second.
inline constexpr std::size_t kAudioOnlyBacklog = 50;

}  // namespace nchat::live::limits
