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

}  // namespace nchat::ingest::rtmp::limits
