#include "transcode/detail/av.hpp"

#include <cstring>

extern "C" {
#include <libavutil/error.h>
#include <libavutil/mem.h>
}

namespace nchat::transcode::detail {

std::string av_error(int code) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buf, sizeof buf);
    return buf;
}

bool set_extradata(AVCodecContext* c, const void* data, std::size_t size) {
    av_freep(&c->extradata);
    c->extradata_size = 0;
    if (size == 0) return true;
    auto* p = static_cast<std::uint8_t*>(av_mallocz(size + AV_INPUT_BUFFER_PADDING_SIZE));
    if (!p) return false;
    std::memcpy(p, data, size);
    c->extradata = p;
    c->extradata_size = static_cast<int>(size);
    return true;
}

}  // namespace nchat::transcode::detail
