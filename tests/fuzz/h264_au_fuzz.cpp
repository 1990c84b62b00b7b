// H.264 access units as a publisher sends them (AVCC with 4-byte lengths): the NAL walk, the
// IDR and disposable checks, and x264's settings read from its SEI (user data unregistered,
// emulation prevention removed, payload sizes from the bytes themselves); the same bytes read
// as an encoder's Annex B output and extradata too.
#include <cstddef>
#include <cstdint>

#include "media/avc_framing.hpp"
#include "media/h264.hpp"

using namespace nchat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> au(data, size);
    (void)media::has_idr(au);
    (void)media::x264_keyint(au);
    (void)media::is_disposable(au);
    (void)media::make_avcc(au);
    if (media::annex_b_to_avcc4(au).size() > size + 4 * size) __builtin_trap();
    std::size_t total = 0;
    media::for_each_nal(au, [&](std::span<const std::uint8_t> nal) {
        total += nal.size();
        return true;
    });
    if (total > size) __builtin_trap();  // a NAL unit never extends past the input
    return 0;
}
