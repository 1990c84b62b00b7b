#include "ingest/whip/track_info.hpp"

#include "media/avc_framing.hpp"
#include "media/h264.hpp"
#include "util/byte_reader.hpp"

namespace nchat::ingest::whip {

std::optional<media::TrackInfo> h264_track(std::span<const std::uint8_t> sps,
                                           std::span<const std::uint8_t> pps) {
    auto parsed = media::parse_sps(sps);
    if (!parsed || pps.empty()) return std::nullopt;
    std::vector<std::uint8_t> annex_b;
    for (auto nal : {sps, pps}) {
        annex_b.insert(annex_b.end(), {0, 0, 0, 1});
        annex_b.insert(annex_b.end(), nal.begin(), nal.end());
    }
    auto avcc = media::make_avcc(annex_b);
    if (!avcc) return std::nullopt;
    media::TrackInfo t;
    t.kind = media::TrackKind::video;
    t.codec = media::Codec::h264;
    t.timescale = 90000;
    t.extradata = std::move(*avcc);
    t.width = parsed->width;
    t.height = parsed->height;
    t.frame_rate = parsed->frame_rate;
    t.codec_string = media::avc_codec_string(*parsed);
    return t;
}

media::TrackInfo opus_track() {
    media::TrackInfo t;
    t.kind = media::TrackKind::audio;
    t.codec = media::Codec::opus;
    t.timescale = 48000;
    t.sample_rate = 48000;
    t.channels = 2;
    t.samples_per_frame = 960;
    t.codec_string = "opus";
    // dOps (Opus in ISOBMFF §4.3.2): version 0, 2 channels, pre-skip 312 (libopus's encoder
    // delay at 48 kHz, what browsers use), input rate 48000, gain 0, mapping family 0.
    util::ByteWriter w(t.extradata);
    w.u8(0);
    w.u8(2);
    w.u16(312);
    w.u32(48000);
    w.u16(0);
    w.u8(0);
    return t;
}

}  // namespace nchat::ingest::whip
