// An ICE-TCP byte stream (RFC 4571 frames) read the way TcpConnection reads it: in chunks of
// arbitrary sizes into a fixed buffer, frames taken out as they complete, the partial one moved
// to the front. Every frame taken, framed again, must give back exactly the bytes consumed, and
// nothing is read past what has arrived.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "webrtc/limits.hpp"
#include "webrtc/tcp_framing.hpp"

using namespace nchat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    // The first byte picks the read size (1..256 bytes per read), the rest is the stream.
    const std::size_t chunk = std::size_t{data[0]} + 1;
    const std::uint8_t* stream = data + 1;
    const std::size_t total = size - 1;

    std::vector<std::uint8_t> buf(16 * 1024);
    std::vector<std::uint8_t> reframed;
    std::size_t filled = 0, fed = 0, consumed = 0;
    while (fed < total) {
        const std::size_t n = std::min({chunk, total - fed, buf.size() - filled});
        if (n == 0) std::abort();  // a whole frame always fits after the partial one
        std::memcpy(buf.data() + filled, stream + fed, n);
        fed += n;
        filled += n;
        util::ByteReader in(std::span<const std::uint8_t>(buf.data(), filled));
        for (;;) {
            auto f = webrtc::read_rfc4571_frame(in, webrtc::limits::kMaxTcpFrame);
            if (!f) {
                if (f.error() == webrtc::TcpFramingError::need_more) break;
                // Refused from the length alone: the two bytes are all it looked at.
                if (filled - in.position() < 2) std::abort();
                fed = total;  // the connection closes here
                break;
            }
            if (f->size() > webrtc::limits::kMaxTcpFrame) std::abort();
            webrtc::append_rfc4571_frame(reframed, *f);
        }
        const std::size_t used = in.position();
        consumed += used;
        std::memmove(buf.data(), buf.data() + used, filled - used);
        filled -= used;
    }
    if (reframed.size() != consumed || !std::equal(reframed.begin(), reframed.end(), stream)) {
        std::abort();
    }
    return 0;
}
