#include "transcode/ffmpeg_log.hpp"

#include <cstdarg>
#include <string>

extern "C" {
#include <libavutil/log.h>
}

#include "util/log.hpp"

namespace nchat::transcode {
namespace {

void callback(void* avcl, int level, const char* fmt, va_list vl) {
    if (level > av_log_get_level()) return;
    char line[1024];
    int print_prefix = 1;
    av_log_format_line2(avcl, level, fmt, vl, line, sizeof line, &print_prefix);
    std::string s(line);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    if (s.empty()) return;
    auto log = util::logger("ffmpeg");
    if (level <= AV_LOG_ERROR) {
        log->error("{}", s);
    } else if (level <= AV_LOG_WARNING) {
        log->warn("{}", s);
    } else if (level <= AV_LOG_INFO) {
        log->info("{}", s);
    } else {
        log->debug("{}", s);
    }
}

}  // namespace

void route_ffmpeg_logs(int min_level) {
    av_log_set_level(min_level);
    av_log_set_callback(callback);
}

}  // namespace nchat::transcode
