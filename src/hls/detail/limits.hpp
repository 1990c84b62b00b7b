#pragma once
// Every bound on what a publisher can make one rendition hold, with its reason (STYLE.md).
#include <cstddef>

namespace nchat::hls::limits {

// A publisher that sends no keyframe for this long still gets its segment cut, so the open
// segment (all of whose parts stay in memory) is bounded; OBS allows keyframe intervals up to
// 20 s in practice, so 30 s cuts nothing a real encoder sends.
inline constexpr double kMaxSegmentSeconds = 30.0;
// Samples of one track in one part: 0.334 s holds 20 frames at 60 fps or 16 AAC frames at
// 48 kHz; 1000 only bounds a publisher that sends tiny timestamp steps.
inline constexpr std::size_t kMaxPartSamples = 1000;
// Audio frames waiting for the video part they belong to: ~5 s of 48 kHz AAC. Audio further
// ahead of video than that is dropped (counted).
inline constexpr std::size_t kMaxQueuedAudio = 256;

// Segments a rendition in a gap keeps listed after its newest segment with media (slide()):
// 5 minutes of 2 s segments, about 60 KB of playlist; a rung shed longer than that lists gaps
// only.
inline constexpr std::size_t kMaxGapSegmentsListed = 150;

}  // namespace nchat::hls::limits
