#include "ingest/rtmp/detail/media_mapper.hpp"

#include "ingest/rtmp/detail/flv.hpp"
#include "media/aac.hpp"
#include "media/h264.hpp"

namespace nchat::ingest::rtmp {
namespace {

constexpr std::int64_t kWrap = std::int64_t(1) << 32;

std::shared_ptr<const std::vector<std::uint8_t>> share(std::vector<std::uint8_t> v) {
    return std::make_shared<const std::vector<std::uint8_t>>(std::move(v));
}

}  // namespace

std::int64_t MediaMapper::Unwrapper::extend(std::uint32_t ts) {
    if (started) {
        // A jump back by more than half the range is a wrap, not reordering (§5.3.1.3).
        if (ts < last && last - ts > 0x80000000u) base += kWrap;
        if (ts > last && ts - last > 0x80000000u) base -= kWrap;  // late packet before a wrap
    }
    started = true;
    last = ts;
    return base + ts;
}

MappedMedia MediaMapper::on_video(const Message& m) {
    MappedMedia out;
    auto tag = parse_video_tag(m.payload);
    if (!tag) {
        out.malformed = true;
        return out;
    }
    if (tag->codec != VideoCodec::avc) {
        if (tag->kind == PacketKind::config || tag->kind == PacketKind::frame) {
            out.unsupported = tag->codec == VideoCodec::hevc  ? "HEVC (H.265) video"
                              : tag->codec == VideoCodec::av1 ? "AV1 video"
                                                              : "video codec other than H.264";
        }
        return out;
    }
    if (tag->kind == PacketKind::config) {
        auto cfg = media::parse_avcc(tag->data);
        if (!cfg) {
            out.malformed = true;
            return out;
        }
        auto sps = media::parse_sps(cfg->sps.front());
        if (!sps) {
            out.malformed = true;
            return out;
        }
        media::TrackInfo t;
        t.kind = media::TrackKind::video;
        t.codec = media::Codec::h264;
        t.timescale = 90000;
        t.extradata.assign(tag->data.begin(), tag->data.end());
        t.width = sps->width;
        t.height = sps->height;
        t.frame_rate = sps->frame_rate;
        t.codec_string = media::avc_codec_string(*sps);
        nal_length_size_ = cfg->nal_length_size;
        video_ = t;
        out.track = std::move(t);
        return out;
    }
    if (tag->kind != PacketKind::frame || !video_) return out;  // frames before config: dropped
    auto avcc4 = media::avcc_to_avcc4(tag->data, nal_length_size_);
    if (!avcc4) {
        out.malformed = true;
        return out;
    }
    if (avcc4->empty()) return out;
    auto ms = clocks_[kVideoTrack].extend(m.timestamp);
    media::MediaPacket p;
    p.track = kVideoTrack;
    p.dts = ms * 90;
    // PTS >= DTS (ossrs/srs#809): a negative composition time beyond the DTS is clamped.
    p.pts = std::max<std::int64_t>(p.dts, (ms + tag->composition_time) * 90);
    // The FLV frame type says keyframe; trust the bitstream when it disagrees (an IDR is what
    // a new viewer can start on).
    p.keyframe = media::has_idr(*avcc4);
    p.data = share(std::move(*avcc4));
    out.packet = std::move(p);
    return out;
}

MappedMedia MediaMapper::on_audio(const Message& m) {
    MappedMedia out;
    auto tag = parse_audio_tag(m.payload);
    if (!tag) {
        out.malformed = true;
        return out;
    }
    if (tag->codec != AudioCodec::aac) {
        if (tag->kind == PacketKind::config || tag->kind == PacketKind::frame) {
            out.unsupported = tag->codec == AudioCodec::opus ? "Opus audio over RTMP"
                                                             : "audio codec other than AAC";
        }
        return out;
    }
    if (tag->kind == PacketKind::config) {
        auto asc = media::parse_audio_specific_config(tag->data);
        if (!asc) {
            out.malformed = true;
            return out;
        }
        media::TrackInfo t;
        t.kind = media::TrackKind::audio;
        t.codec = media::Codec::aac;
        t.timescale = asc->sample_rate;
        t.sample_rate = asc->sample_rate;
        t.channels = asc->channels;
        t.samples_per_frame = 1024;
        t.extradata.assign(tag->data.begin(), tag->data.end());
        t.codec_string = media::aac_codec_string(*asc);
        audio_ = t;
        out.track = std::move(t);
        return out;
    }
    if (tag->kind != PacketKind::frame || !audio_ || tag->data.empty()) return out;
    auto ms = clocks_[kAudioTrack].extend(m.timestamp);
    media::MediaPacket p;
    p.track = kAudioTrack;
    p.dts = p.pts = ms * std::int64_t(audio_->sample_rate) / 1000;
    p.keyframe = true;
    p.data = share({tag->data.begin(), tag->data.end()});
    out.packet = std::move(p);
    return out;
}

}  // namespace nchat::ingest::rtmp
