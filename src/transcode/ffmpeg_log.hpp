#pragma once
// FFmpeg's own messages (x264's statistics at close, decoder warnings) go to stderr unless
// told otherwise. This sends them to the "ffmpeg" spdlog logger instead, at `min_level`
// (an AV_LOG_* value) and above. Process-wide (av_log_set_callback): call once at startup.
namespace nchat::transcode {

void route_ffmpeg_logs(int min_level);

}  // namespace nchat::transcode
