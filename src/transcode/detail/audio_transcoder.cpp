#include "transcode/detail/audio_transcoder.hpp"

#include <cstdlib>
#include <cstring>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>
}

namespace nchat::transcode::detail {
namespace {

constexpr int kFifoStart = 4096;

bool aac_supports(const AVCodec* aac, int rate) {
    if (!aac->supported_samplerates) return true;
    for (const int* r = aac->supported_samplerates; *r; ++r) {
        if (*r == rate) return true;
    }
    return false;
}

}  // namespace

std::vector<std::uint8_t> opus_head_from_dops(const std::vector<std::uint8_t>& dops) {
    // dOps: Version(8) OutputChannelCount(8) PreSkip(16) InputSampleRate(32) OutputGain(16)
    // ChannelMappingFamily(8) [StreamCount(8) CoupledCount(8) ChannelMapping(8 x channels)],
    // big-endian. OpusHead: "OpusHead" version(8)=1 then the same fields little-endian.
    if (dops.size() < 11 || dops[0] != 0) return {};
    const std::uint8_t channels = dops[1];
    const std::uint8_t family = dops[10];
    if (family != 0 && dops.size() < 13u + channels) return {};
    std::vector<std::uint8_t> h(19);
    std::memcpy(h.data(), "OpusHead", 8);
    h[8] = 1;
    h[9] = channels;
    h[10] = dops[3];  // pre-skip
    h[11] = dops[2];
    h[12] = dops[7];  // input sample rate
    h[13] = dops[6];
    h[14] = dops[5];
    h[15] = dops[4];
    h[16] = dops[9];  // output gain
    h[17] = dops[8];
    h[18] = family;
    if (family != 0) {
        for (std::size_t i = 11; i < 13u + channels; ++i)
            h.push_back(dops[i]);
    }
    return h;
}

std::unique_ptr<AudioTranscoder> AudioTranscoder::open(const media::TrackInfo& in,
                                                       std::string& why) {
    const AVCodec* dec =
        avcodec_find_decoder(in.codec == media::Codec::opus ? AV_CODEC_ID_OPUS : AV_CODEC_ID_AAC);
    const AVCodec* enc = avcodec_find_encoder_by_name("aac");
    if (!dec || !enc) {
        why = "no Opus decoder or AAC encoder in this FFmpeg build";
        return nullptr;
    }
    auto t = std::unique_ptr<AudioTranscoder>(new AudioTranscoder());
    t->in_timescale_ = in.timescale ? in.timescale : 48000;
    t->dec_.reset(avcodec_alloc_context3(dec));
    t->enc_.reset(avcodec_alloc_context3(enc));
    t->pkt_ = make_packet();
    t->in_frame_ = make_frame();
    if (!t->dec_ || !t->enc_ || !t->pkt_ || !t->in_frame_) {
        why = "out of memory";
        return nullptr;
    }
    const int in_channels = in.channels ? static_cast<int>(in.channels) : 2;
    AVCodecContext* d = t->dec_.get();
    d->sample_rate = in.sample_rate ? static_cast<int>(in.sample_rate) : 48000;
    av_channel_layout_default(&d->ch_layout, in_channels);
    d->pkt_timebase = AVRational{1, static_cast<int>(t->in_timescale_)};
    const auto head =
        in.codec == media::Codec::opus ? opus_head_from_dops(in.extradata) : in.extradata;
    if (!set_extradata(d, head.data(), head.size())) {
        why = "out of memory";
        return nullptr;
    }
    if (int r = avcodec_open2(d, dec, nullptr); r < 0) {
        why = "audio decoder: " + av_error(r);
        return nullptr;
    }

    AVCodecContext* e = t->enc_.get();
    const int rate = aac_supports(enc, d->sample_rate) ? d->sample_rate : 48000;
    e->sample_rate = rate;
    e->sample_fmt = AV_SAMPLE_FMT_FLTP;
    av_channel_layout_default(&e->ch_layout, in_channels >= 2 ? 2 : 1);
    e->bit_rate = kAacBitrate;
    e->profile = FF_PROFILE_AAC_LOW;
    e->time_base = AVRational{1, rate};
    e->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (int r = avcodec_open2(e, enc, nullptr); r < 0) {
        why = "AAC encoder: " + av_error(r);
        return nullptr;
    }
    t->fifo_.reset(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, e->ch_layout.nb_channels, kFifoStart));
    if (!t->fifo_) {
        why = "out of memory";
        return nullptr;
    }
    auto& tr = t->track_;
    tr.kind = media::TrackKind::audio;
    tr.codec = media::Codec::aac;
    tr.timescale = static_cast<std::uint32_t>(rate);
    tr.sample_rate = static_cast<std::uint32_t>(rate);
    tr.channels = static_cast<std::uint32_t>(e->ch_layout.nb_channels);
    tr.samples_per_frame = static_cast<std::uint32_t>(e->frame_size);
    tr.extradata.assign(e->extradata, e->extradata + e->extradata_size);
    tr.codec_string = "mp4a.40.2";
    tr.bitrate = kAacBitrate;
    return t;
}

bool AudioTranscoder::convert(const AVFrame* in) {
    AVCodecContext* e = enc_.get();
    if (!swr_) {
        SwrContext* s = nullptr;
        if (swr_alloc_set_opts2(&s, &e->ch_layout, e->sample_fmt, e->sample_rate,
                                const_cast<AVChannelLayout*>(&in->ch_layout),
                                static_cast<AVSampleFormat>(in->format), in->sample_rate, 0,
                                nullptr) < 0) {
            return false;
        }
        swr_.reset(s);
        if (swr_init(s) < 0) {
            swr_.reset();
            return false;
        }
    }
    const int room = swr_get_out_samples(swr_.get(), in->nb_samples);
    if (room <= 0) return true;
    FramePtr conv = make_frame();
    if (!conv) return false;
    conv->nb_samples = room;
    conv->format = e->sample_fmt;
    if (av_channel_layout_copy(&conv->ch_layout, &e->ch_layout) < 0 ||
        av_frame_get_buffer(conv.get(), 0) < 0) {
        return false;
    }
    const int n = swr_convert(swr_.get(), conv->extended_data, room,
                              const_cast<const std::uint8_t**>(in->extended_data), in->nb_samples);
    if (n < 0) return false;
    return av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(conv->extended_data), n) == n;
}

bool AudioTranscoder::push(const media::MediaPacket& p, std::vector<media::MediaPacket>& out) {
    if (!p.data || p.data->empty()) return true;
    if (av_new_packet(pkt_.get(), static_cast<int>(p.data->size())) < 0) return false;
    std::memcpy(pkt_->data, p.data->data(), p.data->size());
    pkt_->pts = pkt_->dts = p.pts;
    int r = avcodec_send_packet(dec_.get(), pkt_.get());
    av_packet_unref(pkt_.get());
    if (r < 0) return false;
    const int rate = enc_->sample_rate;
    while ((r = avcodec_receive_frame(dec_.get(), in_frame_.get())) >= 0) {
        const std::int64_t ts =
            in_frame_->pts != AV_NOPTS_VALUE ? in_frame_->pts : in_frame_->best_effort_timestamp;
        if (ts != AV_NOPTS_VALUE) {
            const auto expected =
                av_rescale_q(ts, AVRational{1, int(in_timescale_)}, AVRational{1, rate});
            const auto fifo_end = next_pts_.value_or(0) + av_audio_fifo_size(fifo_.get());
            // A gap (DTX, lost packets) or a jump: follow the source's clock, not our count.
            if (!next_pts_ || std::llabs(expected - fifo_end) > 2 * enc_->frame_size) {
                av_audio_fifo_reset(fifo_.get());
                next_pts_ = expected;
            }
        }
        const bool ok = convert(in_frame_.get());
        av_frame_unref(in_frame_.get());
        if (!ok) return false;
    }
    return encode_fifo(false, out);
}

bool AudioTranscoder::encode_fifo(bool final, std::vector<media::MediaPacket>& out) {
    AVCodecContext* e = enc_.get();
    while (av_audio_fifo_size(fifo_.get()) >= e->frame_size ||
           (final && av_audio_fifo_size(fifo_.get()) > 0)) {
        FramePtr f = make_frame();
        if (!f) return false;
        f->nb_samples = std::min(av_audio_fifo_size(fifo_.get()), e->frame_size);
        f->format = e->sample_fmt;
        f->sample_rate = e->sample_rate;
        if (av_channel_layout_copy(&f->ch_layout, &e->ch_layout) < 0 ||
            av_frame_get_buffer(f.get(), 0) < 0) {
            return false;
        }
        if (av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(f->data), f->nb_samples) !=
            f->nb_samples) {
            return false;
        }
        f->pts = next_pts_.value_or(0);
        next_pts_ = f->pts + f->nb_samples;
        if (avcodec_send_frame(e, f.get()) < 0) return false;
        if (!receive_packets(out)) return false;
    }
    return true;
}

bool AudioTranscoder::receive_packets(std::vector<media::MediaPacket>& out) {
    while (true) {
        const int r = avcodec_receive_packet(enc_.get(), pkt_.get());
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return true;
        if (r < 0) return false;
        media::MediaPacket p;
        // The encoder stamps a packet with its first sample's pts minus its priming delay;
        // adding it back puts the first packet where the first source sample was.
        p.pts = p.dts = pkt_->pts + enc_->initial_padding;
        p.keyframe = true;
        p.data =
            std::make_shared<const std::vector<std::uint8_t>>(pkt_->data, pkt_->data + pkt_->size);
        av_packet_unref(pkt_.get());
        out.push_back(std::move(p));
    }
}

void AudioTranscoder::drain(std::vector<media::MediaPacket>& out) {
    if (swr_) {
        // The resampler's tail.
        FramePtr tail = make_frame();
        const int room = swr_get_out_samples(swr_.get(), 0);
        if (tail && room > 0) {
            tail->nb_samples = room;
            tail->format = enc_->sample_fmt;
            if (av_channel_layout_copy(&tail->ch_layout, &enc_->ch_layout) >= 0 &&
                av_frame_get_buffer(tail.get(), 0) >= 0) {
                const int n = swr_convert(swr_.get(), tail->extended_data, room, nullptr, 0);
                if (n > 0) {
                    av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(tail->extended_data),
                                        n);
                }
            }
        }
    }
    encode_fifo(true, out);
    avcodec_send_frame(enc_.get(), nullptr);
    receive_packets(out);
}

}  // namespace nchat::transcode::detail
