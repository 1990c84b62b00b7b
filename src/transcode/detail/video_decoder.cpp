#include "transcode/detail/video_decoder.hpp"

#include <cstring>

#include "media/avc_framing.hpp"

namespace nchat::transcode::detail {

std::unique_ptr<VideoDecoder> VideoDecoder::open(const media::TrackInfo& track, std::string& why) {
    const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    if (!codec) {
        why = "no H.264 decoder in this FFmpeg build";
        return nullptr;
    }
    auto d = std::unique_ptr<VideoDecoder>(new VideoDecoder());
    d->ctx_.reset(avcodec_alloc_context3(codec));
    d->pkt_ = make_packet();
    if (!d->ctx_ || !d->pkt_) {
        why = "out of memory";
        return nullptr;
    }
    const auto avcc = media::avcc_with_length4(track.extradata);
    if (!set_extradata(d->ctx_.get(), avcc.data(), avcc.size())) {
        why = "out of memory";
        return nullptr;
    }
    d->ctx_->thread_count = 1;
    d->ctx_->pkt_timebase = AVRational{1, 90000};
    d->ctx_->time_base = AVRational{1, 90000};
    if (int r = avcodec_open2(d->ctx_.get(), codec, nullptr); r < 0) {
        why = "H.264 decoder: " + av_error(r);
        return nullptr;
    }
    return d;
}

bool VideoDecoder::receive(std::vector<FramePtr>& out) {
    while (true) {
        FramePtr f = make_frame();
        if (!f) return false;
        const int r = avcodec_receive_frame(ctx_.get(), f.get());
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return true;
        if (r < 0) return false;
        if (f->pts == AV_NOPTS_VALUE) f->pts = f->best_effort_timestamp;
        out.push_back(std::move(f));
    }
}

bool VideoDecoder::decode(const media::MediaPacket& p, std::vector<FramePtr>& out) {
    if (!p.data || p.data->empty()) return true;
    if (av_new_packet(pkt_.get(), static_cast<int>(p.data->size())) < 0) return false;
    std::memcpy(pkt_->data, p.data->data(), p.data->size());
    pkt_->pts = p.pts;
    pkt_->dts = p.dts;
    if (p.keyframe) pkt_->flags |= AV_PKT_FLAG_KEY;
    const int r = avcodec_send_packet(ctx_.get(), pkt_.get());
    av_packet_unref(pkt_.get());
    const bool ok = receive(out);
    return ok && r >= 0;
}

void VideoDecoder::drain(std::vector<FramePtr>& out) {
    avcodec_send_packet(ctx_.get(), nullptr);
    receive(out);
    avcodec_flush_buffers(ctx_.get());
}

void VideoDecoder::flush() {
    avcodec_flush_buffers(ctx_.get());
}

}  // namespace nchat::transcode::detail
