#pragma once
// Reads an H.264 + AAC file with libavformat and turns it into what the RTMP ingest publishes
// (src/ingest/rtmp/media_mapper.cpp): TrackInfo from the avcC / AudioSpecificConfig, packets
// with 4-byte NAL lengths, timestamps cut to RTMP's whole milliseconds, then 90 kHz for video
// and the sample rate for audio; keyframe = the access unit holds an IDR.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
#include <libavformat/avformat.h>
}

#include "media/aac.hpp"
#include "media/h264.hpp"
#include "media/packet.hpp"
#include "media/track.hpp"

namespace nchat::bench {

struct Source {
    std::vector<media::TrackInfo> tracks;     // video first, then audio if any
    std::vector<media::MediaPacket> packets;  // in file (interleaved) order
    std::int64_t duration_ms = 0;             // of the video
    std::size_t video_frames = 0;
};

inline Source read_source(const std::string& path) {
    AVFormatContext* fc = nullptr;
    if (avformat_open_input(&fc, path.c_str(), nullptr, nullptr) < 0) {
        throw std::runtime_error("cannot open " + path);
    }
    struct Close {
        AVFormatContext** f;
        ~Close() { avformat_close_input(f); }
    } close{&fc};
    if (avformat_find_stream_info(fc, nullptr) < 0) throw std::runtime_error("no stream info");
    const int vi = av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    const int ai = av_find_best_stream(fc, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    if (vi < 0 || fc->streams[vi]->codecpar->codec_id != AV_CODEC_ID_H264) {
        throw std::runtime_error("no H.264 video in " + path);
    }
    Source s;
    const auto* vp = fc->streams[vi]->codecpar;
    std::vector<std::uint8_t> avcc(vp->extradata, vp->extradata + vp->extradata_size);
    auto cfg = media::parse_avcc(avcc);
    if (!cfg) throw std::runtime_error("the video has no avcC (use an .mp4 or .flv)");
    auto sps = media::parse_sps(cfg->sps.front());
    if (!sps) throw std::runtime_error("unreadable SPS");
    media::TrackInfo v;
    v.kind = media::TrackKind::video;
    v.codec = media::Codec::h264;
    v.timescale = 90000;
    v.extradata = avcc;
    v.width = sps->width;
    v.height = sps->height;
    v.frame_rate = sps->frame_rate;
    v.codec_string = media::avc_codec_string(*sps);
    s.tracks.push_back(v);
    bool audio = false;
    std::uint32_t rate = 0;
    if (ai >= 0 && fc->streams[ai]->codecpar->codec_id == AV_CODEC_ID_AAC) {
        const auto* ap = fc->streams[ai]->codecpar;
        std::vector<std::uint8_t> asc(ap->extradata, ap->extradata + ap->extradata_size);
        auto c = media::parse_audio_specific_config(asc);
        if (c) {
            media::TrackInfo a;
            a.kind = media::TrackKind::audio;
            a.codec = media::Codec::aac;
            a.timescale = a.sample_rate = rate = c->sample_rate;
            a.channels = c->channels;
            a.samples_per_frame = 1024;
            a.extradata = asc;
            a.codec_string = media::aac_codec_string(*c);
            s.tracks.push_back(a);
            audio = true;
        }
    }
    AVPacket* pkt = av_packet_alloc();
    std::optional<std::int64_t> first_ms;
    while (av_read_frame(fc, pkt) >= 0) {
        const auto* st = fc->streams[pkt->stream_index];
        const bool is_video = pkt->stream_index == vi;
        if (!is_video && !(audio && pkt->stream_index == ai)) {
            av_packet_unref(pkt);
            continue;
        }
        const auto dts = pkt->dts == AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
        std::int64_t dts_ms = av_rescale_q(dts, st->time_base, AVRational{1, 1000});
        std::int64_t pts_ms = av_rescale_q(pkt->pts, st->time_base, AVRational{1, 1000});
        if (!first_ms) first_ms = dts_ms;  // RTMP streams start near 0
        dts_ms -= *first_ms;
        pts_ms -= *first_ms;
        media::MediaPacket p;
        if (is_video) {
            auto au = media::avcc_to_avcc4({pkt->data, static_cast<std::size_t>(pkt->size)},
                                           cfg->nal_length_size);
            if (!au || au->empty()) {
                av_packet_unref(pkt);
                continue;
            }
            p.track = 0;
            p.dts = std::max<std::int64_t>(0, dts_ms) * 90;
            p.pts = std::max(p.dts, pts_ms * 90);
            p.keyframe = media::has_idr(*au);
            p.data = std::make_shared<const std::vector<std::uint8_t>>(std::move(*au));
            s.duration_ms = std::max(s.duration_ms, pts_ms);
            ++s.video_frames;
        } else {
            p.track = 1;
            p.dts = p.pts = std::max<std::int64_t>(0, dts_ms) * rate / 1000;
            p.keyframe = true;
            p.data =
                std::make_shared<const std::vector<std::uint8_t>>(pkt->data, pkt->data + pkt->size);
        }
        s.packets.push_back(std::move(p));
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
    if (s.video_frames > 1) {  // the last frame lasts one frame interval
        s.duration_ms += s.duration_ms / static_cast<std::int64_t>(s.video_frames - 1);
    }
    return s;
}

}  // namespace nchat::bench
