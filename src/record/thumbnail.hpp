#pragma once
// A live stream's thumbnail (issue 16): a JPEG of the keyframe that starts a recent segment of
// its lowest rendition, decoded and encoded with libavcodec on the recordings' disk thread.
#include <span>
#include <string>
#include <system_error>

#include "record/detail/writer.hpp"

namespace nchat::record {

// The JPEG of the first video frame of `init` + `fragment` (one CMAF init segment and the
// fragment that starts a segment, which begins with a keyframe).
std::error_code make_thumbnail(const Buffer& init, const Buffer& fragment, std::string& jpeg);

}  // namespace nchat::record
