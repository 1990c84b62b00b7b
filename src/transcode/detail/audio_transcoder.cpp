#include "transcode/detail/audio_transcoder.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>
}

namespace nchat::transcode::detail {
namespace {

constexpr int kFifoStart = 4096;
constexpr int kOpusFrameSamples = 960;  // 20 ms at 48 kHz

bool aac_supports(const AVCodec* aac, int rate) {
    if (!aac->supported_samplerates) return true;
    for (const int* r = aac->supported_samplerates; *r; ++r) {
        if (*r == rate) return true;
    }
    return false;
}

std::string codec_name(media::Codec c) {
    switch (c) {
        case media::Codec::aac:
            return "AAC";
        case media::Codec::opus:
            return "Opus";
        case media::Codec::h264:
            return "H.264";
    }
    return "?";
}

// The encoder's own planar float if it takes it (no conversion in swresample beyond the
// resampling), else interleaved float (libopus), else whatever it takes first.
AVSampleFormat pick_sample_format(const AVCodec* enc) {
    if (!enc->sample_fmts) return AV_SAMPLE_FMT_FLTP;
    for (const AVSampleFormat want : {AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT}) {
        for (const AVSampleFormat* f = enc->sample_fmts; *f != AV_SAMPLE_FMT_NONE; ++f) {
            if (*f == want) return want;
        }
    }
    return enc->sample_fmts[0];
}

CodecContextPtr alloc_encoder(const AVCodec* enc, int rate, int channels) {
    CodecContextPtr e(avcodec_alloc_context3(enc));
    if (!e) return e;
    e->sample_rate = rate;
    e->sample_fmt = pick_sample_format(enc);
    av_channel_layout_default(&e->ch_layout, channels);
    e->time_base = AVRational{1, rate};
    e->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    return e;
}

// HLS: AAC-LC at the source's rate when the encoder takes it.
CodecContextPtr open_aac(int in_rate, int channels, std::string& why) {
    const AVCodec* enc = avcodec_find_encoder_by_name("aac");
    if (!enc) {
        why = "no AAC encoder in this FFmpeg build";
        return nullptr;
    }
    CodecContextPtr e = alloc_encoder(enc, aac_supports(enc, in_rate) ? in_rate : 48000, channels);
    if (!e) {
        why = "out of memory";
        return nullptr;
    }
    e->bit_rate = kAacBitrate;
    e->profile = FF_PROFILE_AAC_LOW;
    if (int r = avcodec_open2(e.get(), enc, nullptr); r < 0) {
        why = "AAC encoder: " + av_error(r);
        return nullptr;
    }
    return e;
}

// WebRTC: Opus at 48 kHz (RFC 7587 §4.1: the RTP clock is always 48 kHz) in 20 ms frames,
// the browsers' default packetization. Application "audio" (the default), not "lowdelay":
// lowdelay is CELT only (no SILK, so no FEC) to save 4 ms of lookahead, while 20 ms frames
// set the latency anyway. In-band FEC for 10% loss (RFC 6716 §2.1.7): a lost packet is
// rebuilt from the next one. FEC lives in the SILK layer, so libopus then codes hybrid
// rather than CELT-only frames.
CodecContextPtr open_opus(int channels, std::string& why) {
    const AVCodec* enc = avcodec_find_encoder_by_name("libopus");
    const bool native = !enc;
    if (native) enc = avcodec_find_encoder_by_name("opus");
    if (!enc) {
        why = "no Opus encoder in this FFmpeg build";
        return nullptr;
    }
    CodecContextPtr e = alloc_encoder(enc, 48000, channels);
    if (!e) {
        why = "out of memory";
        return nullptr;
    }
    e->bit_rate = kOpusBitrate;
    AVDictionary* opts = nullptr;
    if (native) {
        // FFmpeg's own encoder: experimental (CELT only, no FEC), and by default it packs
        // up to 360 ms per packet.
        e->strict_std_compliance = FF_COMPLIANCE_EXPERIMENTAL;
        av_dict_set(&opts, "opus_delay", "20", 0);
    } else {
        av_dict_set(&opts, "frame_duration", "20", 0);
        av_dict_set(&opts, "fec", "1", 0);
        av_dict_set(&opts, "packet_loss", "10", 0);
    }
    const int r = avcodec_open2(e.get(), enc, &opts);
    av_dict_free(&opts);
    if (r < 0) {
        why = std::string(enc->name) + " encoder: " + av_error(r);
        return nullptr;
    }
    return e;
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

std::vector<std::uint8_t> dops_from_opus_head(const std::uint8_t* head, std::size_t size) {
    // The inverse of opus_head_from_dops: drop the magic, version 1 → 0, little → big-endian.
    if (size < 19 || std::memcmp(head, "OpusHead", 8) != 0) return {};
    const std::uint8_t channels = head[9];
    const std::uint8_t family = head[18];
    if (family != 0 && size < 21u + channels) return {};
    std::vector<std::uint8_t> d = {0,        channels, head[11], head[10], head[15], head[14],
                                   head[13], head[12], head[17], head[16], family};
    if (family != 0) d.insert(d.end(), head + 19, head + 21 + channels);
    return d;
}

std::unique_ptr<AudioTranscoder> AudioTranscoder::open(const media::TrackInfo& in,
                                                       media::Codec out_codec,
                                                       std::string& why) {
    if (in.codec == out_codec || out_codec == media::Codec::h264 ||
        in.codec == media::Codec::h264) {
        why = "no audio transcode from " + codec_name(in.codec) + " to " + codec_name(out_codec);
        return nullptr;
    }
    const AVCodec* dec =
        avcodec_find_decoder(in.codec == media::Codec::opus ? AV_CODEC_ID_OPUS : AV_CODEC_ID_AAC);
    if (!dec) {
        why = "no " + codec_name(in.codec) + " decoder in this FFmpeg build";
        return nullptr;
    }
    auto t = std::unique_ptr<AudioTranscoder>(new AudioTranscoder());
    t->in_timescale_ = in.timescale ? in.timescale : 48000;
    t->dec_.reset(avcodec_alloc_context3(dec));
    t->pkt_ = make_packet();
    t->in_frame_ = make_frame();
    if (!t->dec_ || !t->pkt_ || !t->in_frame_) {
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
    // More than two channels are folded to stereo by the resampler: neither output is
    // declared with a multichannel layout downstream.
    const int out_channels = in_channels >= 2 ? 2 : 1;
    t->enc_ = out_codec == media::Codec::aac ? open_aac(d->sample_rate, out_channels, why)
                                             : open_opus(out_channels, why);
    if (!t->enc_) return nullptr;
    AVCodecContext* e = t->enc_.get();
    t->fifo_.reset(av_audio_fifo_alloc(e->sample_fmt, e->ch_layout.nb_channels, kFifoStart));
    if (!t->fifo_) {
        why = "out of memory";
        return nullptr;
    }
    auto& tr = t->track_;
    tr.kind = media::TrackKind::audio;
    tr.codec = out_codec;
    tr.timescale = static_cast<std::uint32_t>(e->sample_rate);
    tr.sample_rate = static_cast<std::uint32_t>(e->sample_rate);
    tr.channels = static_cast<std::uint32_t>(e->ch_layout.nb_channels);
    // libopus takes 20 ms frames; FFmpeg's own encoder takes 2.5 ms ones and packs 20 ms.
    tr.samples_per_frame = static_cast<std::uint32_t>(
        out_codec == media::Codec::opus ? kOpusFrameSamples : e->frame_size);
    tr.bitrate = static_cast<std::uint32_t>(e->bit_rate);
    if (out_codec == media::Codec::aac) {
        tr.extradata.assign(e->extradata, e->extradata + e->extradata_size);
        tr.codec_string = "mp4a.40.2";
    } else {
        // Both Opus encoders write an OpusHead whose pre-skip is their initial_padding.
        tr.extradata = dops_from_opus_head(
            e->extradata, static_cast<std::size_t>(std::max(0, e->extradata_size)));
        if (tr.extradata.empty()) {
            why = "Opus encoder wrote no OpusHead";
            return nullptr;
        }
        tr.codec_string = "opus";
    }
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
    if (r != AVERROR(EAGAIN) && r != AVERROR_EOF) return false;
    return encode_fifo(false, out);
}

bool AudioTranscoder::encode_fifo(bool final, std::vector<media::MediaPacket>& out) {
    AVCodecContext* e = enc_.get();
    while (av_audio_fifo_size(fifo_.get()) >= e->frame_size ||
           (final && av_audio_fifo_size(fifo_.get()) > 0)) {
        FramePtr f = make_frame();
        if (!f) return false;
        const int n = std::min(av_audio_fifo_size(fifo_.get()), e->frame_size);
        // An encoder that takes no short last frame gets it padded with silence.
        f->nb_samples = e->codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME ? n : e->frame_size;
        f->format = e->sample_fmt;
        f->sample_rate = e->sample_rate;
        if (av_channel_layout_copy(&f->ch_layout, &e->ch_layout) < 0 ||
            av_frame_get_buffer(f.get(), 0) < 0) {
            return false;
        }
        if (av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(f->data), n) != n) {
            return false;
        }
        if (n < f->nb_samples) {
            av_samples_set_silence(f->extended_data, n, f->nb_samples - n, e->ch_layout.nb_channels,
                                   e->sample_fmt);
        }
        f->pts = next_pts_.value_or(0);
        next_pts_ = f->pts + n;
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
