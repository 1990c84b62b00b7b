#include "record/thumbnail.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/mem.h>
}

#include <cstring>
#include <memory>

#include "record/mp4.hpp"

namespace nchat::record {
namespace {

std::error_code av_error(int code) {
    return {code, ffmpeg_category()};
}

// The bytes the demuxer reads: init then fragment, from memory.
struct Source {
    std::span<const std::uint8_t> a;
    std::span<const std::uint8_t> b;
    std::size_t pos = 0;
};

int read_source(void* opaque, std::uint8_t* buf, int size) {
    auto* s = static_cast<Source*>(opaque);
    const std::size_t total = s->a.size() + s->b.size();
    if (s->pos >= total) return AVERROR_EOF;
    int n = 0;
    while (n < size && s->pos < total) {
        const bool first = s->pos < s->a.size();
        auto span = first ? s->a.subspan(s->pos) : s->b.subspan(s->pos - s->a.size());
        const std::size_t k =
            std::min<std::size_t>(span.size(), static_cast<std::size_t>(size - n));
        std::memcpy(buf + n, span.data(), k);
        n += static_cast<int>(k);
        s->pos += k;
    }
    return n;
}

struct IoFree {
    void operator()(AVIOContext* c) const {
        av_freep(&c->buffer);
        avio_context_free(&c);
    }
};
struct InputClose {
    void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecFree {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};

}  // namespace

std::error_code make_thumbnail(const Buffer& init, const Buffer& fragment, std::string& jpeg) {
    if (!init || !fragment) return std::make_error_code(std::errc::invalid_argument);
    Source src{*init, *fragment};
    constexpr int kIoBuffer = 64 * 1024;
    auto* buf = static_cast<std::uint8_t*>(av_malloc(kIoBuffer));
    if (!buf) return av_error(AVERROR(ENOMEM));
    std::unique_ptr<AVIOContext, IoFree> io(
        avio_alloc_context(buf, kIoBuffer, 0, &src, read_source, nullptr, nullptr));
    if (!io) {
        av_free(buf);
        return av_error(AVERROR(ENOMEM));
    }
    AVFormatContext* raw = avformat_alloc_context();
    if (!raw) return av_error(AVERROR(ENOMEM));
    raw->pb = io.get();
    raw->flags |= AVFMT_FLAG_CUSTOM_IO;
    if (int r = avformat_open_input(&raw, nullptr, av_find_input_format("mp4"), nullptr); r < 0)
        return av_error(r);  // avformat_open_input frees `raw` on failure
    std::unique_ptr<AVFormatContext, InputClose> in(raw);
    const int video = av_find_best_stream(in.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (video < 0) return av_error(video);
    const AVCodec* dec_codec = avcodec_find_decoder(in->streams[video]->codecpar->codec_id);
    if (!dec_codec) return av_error(AVERROR_DECODER_NOT_FOUND);
    std::unique_ptr<AVCodecContext, CodecFree> dec(avcodec_alloc_context3(dec_codec));
    if (int r = avcodec_parameters_to_context(dec.get(), in->streams[video]->codecpar); r < 0)
        return av_error(r);
    dec->thread_count = 1;
    if (int r = avcodec_open2(dec.get(), dec_codec, nullptr); r < 0) return av_error(r);
    std::unique_ptr<AVPacket, PacketFree> pkt(av_packet_alloc());
    std::unique_ptr<AVFrame, FrameFree> frame(av_frame_alloc());
    bool got = false;
    while (!got && av_read_frame(in.get(), pkt.get()) >= 0) {
        if (pkt->stream_index == video) {
            avcodec_send_packet(dec.get(), pkt.get());
            got = avcodec_receive_frame(dec.get(), frame.get()) == 0;
        }
        av_packet_unref(pkt.get());
    }
    if (!got) {
        avcodec_send_packet(dec.get(), nullptr);  // a decoder that holds a frame back
        got = avcodec_receive_frame(dec.get(), frame.get()) == 0;
    }
    if (!got) return av_error(AVERROR_INVALIDDATA);
    if (frame->format != AV_PIX_FMT_YUV420P && frame->format != AV_PIX_FMT_YUVJ420P)
        return av_error(AVERROR_PATCHWELCOME);

    const AVCodec* enc_codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
    if (!enc_codec) return av_error(AVERROR_ENCODER_NOT_FOUND);
    std::unique_ptr<AVCodecContext, CodecFree> enc(avcodec_alloc_context3(enc_codec));
    enc->width = frame->width;
    enc->height = frame->height;
    // The same planes; the JPEG says full range, which a limited-range picture only brightens a
    // little (a thumbnail, not a frame for editing).
    enc->pix_fmt = AV_PIX_FMT_YUVJ420P;
    enc->time_base = AVRational{1, 25};
    enc->flags |= AV_CODEC_FLAG_QSCALE;
    enc->global_quality = FF_QP2LAMBDA * 4;
    if (int r = avcodec_open2(enc.get(), enc_codec, nullptr); r < 0) return av_error(r);
    frame->format = AV_PIX_FMT_YUVJ420P;
    frame->quality = enc->global_quality;
    frame->pict_type = AV_PICTURE_TYPE_NONE;
    if (int r = avcodec_send_frame(enc.get(), frame.get()); r < 0) return av_error(r);
    if (int r = avcodec_receive_packet(enc.get(), pkt.get()); r < 0) return av_error(r);
    jpeg.assign(reinterpret_cast<const char*>(pkt->data), static_cast<std::size_t>(pkt->size));
    av_packet_unref(pkt.get());
    return {};
}

}  // namespace nchat::record
