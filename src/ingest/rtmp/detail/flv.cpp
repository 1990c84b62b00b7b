#include "ingest/rtmp/detail/flv.hpp"

#include "ingest/rtmp/detail/error.hpp"
#include "util/byte_reader.hpp"

namespace nchat::ingest::rtmp {
namespace {

constexpr std::uint32_t fourcc(const char (&s)[5]) {
    return std::uint32_t(std::uint8_t(s[0])) << 24 | std::uint32_t(std::uint8_t(s[1])) << 16 |
           std::uint32_t(std::uint8_t(s[2])) << 8 | std::uint32_t(std::uint8_t(s[3]));
}

std::int32_t si24(std::uint32_t v) {
    return (v & 0x800000) ? static_cast<std::int32_t>(v | 0xFF000000u)
                          : static_cast<std::int32_t>(v);
}

// E-RTMP video packet types.
enum : std::uint8_t {
    kSequenceStart = 0,
    kCodedFrames = 1,
    kSequenceEnd = 2,
    kCodedFramesX = 3,
};

}  // namespace

util::Result<VideoTag> parse_video_tag(std::span<const std::uint8_t> body) {
    util::ByteReader in(body);
    std::uint8_t b0 = 0;
    if (!in.read_u8(b0)) return error::malformed;
    VideoTag t;
    if (b0 & 0x80) {  // E-RTMP ex-header: IsExHeader | FrameType(3) | PacketType(4)
        std::uint8_t frame_type = (b0 >> 4) & 0x07;
        std::uint8_t packet_type = b0 & 0x0F;
        if (!in.read_u32(t.fourcc)) return error::malformed;
        t.keyframe = frame_type == 1;
        switch (t.fourcc) {
            case fourcc("avc1"):
                t.codec = VideoCodec::avc;
                break;
            case fourcc("hvc1"):
                t.codec = VideoCodec::hevc;
                break;
            case fourcc("av01"):
                t.codec = VideoCodec::av1;
                break;
            case fourcc("vp09"):
                t.codec = VideoCodec::vp9;
                break;
            default:
                t.codec = VideoCodec::other;
                break;
        }
        if (frame_type == 5) {  // command frame (seek marks etc.): nothing to play
            t.kind = PacketKind::other;
            t.data = in.rest();
            return t;
        }
        switch (packet_type) {
            case kSequenceStart:
                t.kind = PacketKind::config;
                break;
            case kCodedFrames:
                t.kind = PacketKind::frame;
                if (t.codec == VideoCodec::avc || t.codec == VideoCodec::hevc) {
                    std::uint32_t cts = 0;
                    if (!in.read_u24(cts)) return error::malformed;
                    t.composition_time = si24(cts);
                }
                break;
            case kCodedFramesX:
                t.kind = PacketKind::frame;
                break;
            case kSequenceEnd:
                t.kind = PacketKind::end_of_sequence;
                break;
            default:
                t.kind = PacketKind::other;
                break;  // metadata, multitrack, mod-ex
        }
        t.data = in.rest();
        return t;
    }
    // Legacy: FrameType(4) | CodecID(4), then for AVC: AVCPacketType, SI24 CompositionTime.
    t.keyframe = (b0 >> 4) == 1;
    t.legacy_codec_id = b0 & 0x0F;
    if ((b0 >> 4) == 5) {
        t.kind = PacketKind::other;
        return t;
    }
    if (t.legacy_codec_id != 7) {  // 7 = AVC; Sorenson, VP6, screen video: not for us
        t.codec = VideoCodec::other;
        t.kind = PacketKind::frame;
        t.data = in.rest();
        return t;
    }
    t.codec = VideoCodec::avc;
    std::uint8_t packet_type = 0;
    std::uint32_t cts = 0;
    if (!in.read_u8(packet_type) || !in.read_u24(cts)) return error::malformed;
    t.composition_time = si24(cts);
    t.kind = packet_type == 0   ? PacketKind::config
             : packet_type == 1 ? PacketKind::frame
             : packet_type == 2 ? PacketKind::end_of_sequence
                                : PacketKind::other;
    t.data = in.rest();
    return t;
}

util::Result<AudioTag> parse_audio_tag(std::span<const std::uint8_t> body) {
    util::ByteReader in(body);
    std::uint8_t b0 = 0;
    if (!in.read_u8(b0)) return error::malformed;
    AudioTag t;
    t.sound_format = b0 >> 4;
    if (t.sound_format == 9) {  // E-RTMP audio ex-header: packet type in the low nibble
        std::uint32_t fcc = 0;
        if (!in.read_u32(fcc)) return error::malformed;
        std::uint8_t packet_type = b0 & 0x0F;
        t.codec = fcc == fourcc("mp4a")   ? AudioCodec::aac
                  : fcc == fourcc("Opus") ? AudioCodec::opus
                                          : AudioCodec::other;
        t.kind = packet_type == 0   ? PacketKind::config
                 : packet_type == 1 ? PacketKind::frame
                 : packet_type == 2 ? PacketKind::end_of_sequence
                                    : PacketKind::other;
        t.data = in.rest();
        return t;
    }
    if (t.sound_format != 10) {  // MP3, Speex, PCM...: not packaged
        t.codec = AudioCodec::other;
        t.kind = PacketKind::frame;
        t.data = in.rest();
        return t;
    }
    t.codec = AudioCodec::aac;
    std::uint8_t packet_type = 0;
    if (!in.read_u8(packet_type)) return error::malformed;
    t.kind = packet_type == 0 ? PacketKind::config : PacketKind::frame;
    t.data = in.rest();
    return t;
}

}  // namespace nchat::ingest::rtmp
