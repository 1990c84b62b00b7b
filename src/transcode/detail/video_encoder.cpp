#include "transcode/detail/video_encoder.hpp"

#include <climits>
#include <cmath>

extern "C" {
#include <libavutil/opt.h>
}

#include "media/avc_framing.hpp"
#include "media/h264.hpp"

namespace nchat::transcode::detail {

AVPixelFormat encoder_pixel_format(const std::string& encoder) {
    const AVCodec* codec = avcodec_find_encoder_by_name(encoder.c_str());
    if (!codec) return AV_PIX_FMT_NONE;
    if (!codec->pix_fmts) return AV_PIX_FMT_YUV420P;
    AVPixelFormat fallback = AV_PIX_FMT_NONE;
    for (const AVPixelFormat* f = codec->pix_fmts; *f != AV_PIX_FMT_NONE; ++f) {
        if (*f == AV_PIX_FMT_YUV420P) return *f;
        if (*f == AV_PIX_FMT_NV12) fallback = *f;
    }
    return fallback;
}

std::unique_ptr<VideoEncoder> VideoEncoder::open(const EncoderSettings& s, std::string& why) {
    const AVCodec* codec = avcodec_find_encoder_by_name(s.encoder.c_str());
    if (!codec || codec->id != AV_CODEC_ID_H264) {
        why = "no H.264 encoder named " + s.encoder + " in this FFmpeg build";
        return nullptr;
    }
    const AVPixelFormat fmt = encoder_pixel_format(s.encoder);
    if (fmt == AV_PIX_FMT_NONE) {
        why = s.encoder + " takes hardware frames only, which the transcoder does not make";
        return nullptr;
    }
    auto e = std::unique_ptr<VideoEncoder>(new VideoEncoder());
    e->ctx_.reset(avcodec_alloc_context3(codec));
    e->pkt_ = make_packet();
    AVCodecContext* c = e->ctx_.get();
    if (!c || !e->pkt_) {
        why = "out of memory";
        return nullptr;
    }
    c->width = s.width;
    c->height = s.height;
    c->pix_fmt = fmt;
    c->time_base = AVRational{1, 90000};
    c->framerate = av_d2q(s.fps > 0 ? s.fps : 30, 100000);
    c->sample_aspect_ratio = AVRational{1, 1};
    c->bit_rate = static_cast<std::int64_t>(s.kbps) * 1000;
    // Capped VBR as the product spec's nginx-rtmp command: maxrate = bitrate, 2 s buffer.
    c->rc_max_rate = c->bit_rate;
    c->rc_buffer_size = static_cast<int>(std::min<std::int64_t>(c->bit_rate * 2, INT_MAX));
    c->thread_count = s.threads > 0 ? s.threads : 1;
    c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    c->max_b_frames = 0;
    // IDRs come only where we force them (frame->pict_type), so every rung has them at the
    // same pts; the encoder's own GOP logic is switched off.
    c->gop_size = s.encoder == "libx264" ? -1 : INT_MAX / 2;

    AVDictionary* opts = nullptr;
    if (!s.preset.empty()) av_dict_set(&opts, "preset", s.preset.c_str(), 0);
    if (!s.tune.empty()) av_dict_set(&opts, "tune", s.tune.c_str(), 0);
    if (!s.profile.empty()) av_dict_set(&opts, "profile", s.profile.c_str(), 0);
    av_dict_set(&opts, "forced-idr", "1", 0);
    if (s.encoder == "libx264") {
        std::string params = kX264Defaults;
        if (!s.x264_params.empty()) params += ":" + s.x264_params;
        av_dict_set(&opts, "x264-params", params.c_str(), 0);
    } else {
        av_dict_set(&opts, "no-scenecut", "1", 0);  // nvenc
        av_dict_set(&opts, "zerolatency", "1", 0);  // nvenc
    }
    const int r = avcodec_open2(c, codec, &opts);
    av_dict_free(&opts);
    if (r < 0) {
        why = s.encoder + ": " + av_error(r);
        return nullptr;
    }
    auto avcc = media::make_avcc({c->extradata, static_cast<std::size_t>(c->extradata_size)});
    if (!avcc) {
        why = s.encoder + ": no SPS/PPS in the encoder's global header";
        return nullptr;
    }
    auto cfg = media::parse_avcc(*avcc);
    auto sps = cfg ? media::parse_sps(cfg->sps.front()) : util::Result<media::Sps>(cfg.error());
    if (!sps) {
        why = s.encoder + ": unreadable SPS";
        return nullptr;
    }
    auto& t = e->track_;
    t.kind = media::TrackKind::video;
    t.codec = media::Codec::h264;
    t.timescale = 90000;
    t.extradata = std::move(*avcc);
    t.width = static_cast<std::uint32_t>(s.width);
    t.height = static_cast<std::uint32_t>(s.height);
    t.frame_rate = s.fps;
    t.codec_string = media::avc_codec_string(*sps);
    t.bitrate = static_cast<std::uint32_t>(s.kbps) * 1000;
    return e;
}

bool VideoEncoder::encode(const AVFrame* frame, std::vector<media::MediaPacket>& out) {
    const int sent = avcodec_send_frame(ctx_.get(), frame);
    if (sent < 0 && sent != AVERROR_EOF) return false;
    while (true) {
        const int r = avcodec_receive_packet(ctx_.get(), pkt_.get());
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return true;
        if (r < 0) return false;
        const std::span<const std::uint8_t> bytes(pkt_->data, static_cast<std::size_t>(pkt_->size));
        auto avcc4 = media::annex_b_to_avcc4(bytes);
        if (avcc4.empty()) avcc4.assign(bytes.begin(), bytes.end());  // already length-prefixed
        media::MediaPacket p;
        p.pts = pkt_->pts;
        p.dts = pkt_->dts == AV_NOPTS_VALUE ? p.pts : std::min(pkt_->dts, p.pts);
        p.keyframe = media::has_idr(avcc4);
        p.data = std::make_shared<const std::vector<std::uint8_t>>(std::move(avcc4));
        av_packet_unref(pkt_.get());
        out.push_back(std::move(p));
    }
}

}  // namespace nchat::transcode::detail
