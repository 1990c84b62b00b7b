// FLV audio/video tag bodies and the codec configuration records inside them.
#include <cstddef>
#include <cstdint>

#include "ingest/rtmp/detail/flv.hpp"
#include "media/aac.hpp"
#include "media/h264.hpp"

using namespace nchat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> body(data, size);
    if (auto v = ingest::rtmp::parse_video_tag(body)) {
        if (v->kind == ingest::rtmp::PacketKind::config) {
            if (auto c = media::parse_avcc(v->data)) {
                for (const auto& sps : c->sps)
                    (void)media::parse_sps(sps);
            }
        } else {
            (void)media::avcc_to_avcc4(v->data, 4);
        }
    }
    if (auto a = ingest::rtmp::parse_audio_tag(body)) {
        (void)media::parse_audio_specific_config(a->data);
    }
    (void)media::parse_sps(body);
    return 0;
}
