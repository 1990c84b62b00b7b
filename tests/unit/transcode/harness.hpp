#pragma once
// Test media for the transcoder, made in-process with libavcodec: H.264 (libx264) of a moving
// synthetic picture, AAC or Opus of a tone, as the RTMP ingest hands them over (avcC + AVCC4
// frames with millisecond timestamps in 90 kHz, AudioSpecificConfig + raw AAC). And a
// recording output consumer, and a decoder to check what comes out.
#include <chrono>
#include <cmath>
#include <cstring>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

#include "live/consumer.hpp"
#include "media/avc_framing.hpp"
#include "media/h264.hpp"
#include "transcode/detail/audio_transcoder.hpp"
#include "transcode/detail/av.hpp"
#include "transcode/ffmpeg_log.hpp"
#include "transcode/transcoder.hpp"

namespace nchat::transcode::test {

using detail::CodecContextPtr;
using detail::FramePtr;
using detail::PacketPtr;

struct Elementary {
    media::TrackInfo track;
    std::vector<media::MediaPacket> packets;  // decode order
};

struct VideoSpec {
    int width = 640;
    int height = 360;
    double fps = 30;
    double seconds = 2;
    int gop = 30;  // frames between keyframes
    int bframes = 0;
    int kbps = 1500;
};

inline std::int64_t ms_ticks(double seconds) {  // RTMP: milliseconds, then 90 kHz
    return std::llround(seconds * 1000) * 90;
}

inline Elementary make_h264(const VideoSpec& s) {
    const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
    CodecContextPtr c(avcodec_alloc_context3(codec));
    c->width = s.width;
    c->height = s.height;
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->time_base = AVRational{1, 90000};
    c->framerate = av_d2q(s.fps, 1000);
    c->gop_size = s.gop;
    c->keyint_min = s.gop;
    c->max_b_frames = s.bframes;
    c->bit_rate = s.kbps * 1000;
    c->thread_count = 1;
    c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary* o = nullptr;
    av_dict_set(&o, "preset", "ultrafast", 0);
    av_dict_set(&o, "x264-params", s.bframes ? "scenecut=0:b-adapt=0" : "scenecut=0", 0);
    if (avcodec_open2(c.get(), codec, &o) < 0) std::abort();
    av_dict_free(&o);

    Elementary e;
    auto avcc = media::make_avcc({c->extradata, static_cast<std::size_t>(c->extradata_size)});
    auto cfg = media::parse_avcc(*avcc);
    auto sps = media::parse_sps(cfg->sps.front());
    e.track.kind = media::TrackKind::video;
    e.track.codec = media::Codec::h264;
    e.track.extradata = *avcc;
    e.track.width = static_cast<std::uint32_t>(s.width);
    e.track.height = static_cast<std::uint32_t>(s.height);
    e.track.frame_rate = s.fps;
    e.track.codec_string = media::avc_codec_string(*sps);

    FramePtr f = detail::make_frame();
    f->width = s.width;
    f->height = s.height;
    f->format = AV_PIX_FMT_YUV420P;
    av_frame_get_buffer(f.get(), 0);
    PacketPtr pkt = detail::make_packet();
    const int frames = static_cast<int>(s.seconds * s.fps);
    std::vector<media::MediaPacket> out;
    auto receive = [&] {
        while (avcodec_receive_packet(c.get(), pkt.get()) == 0) {
            media::MediaPacket p;
            auto au = media::annex_b_to_avcc4({pkt->data, static_cast<std::size_t>(pkt->size)});
            p.pts = pkt->pts;
            p.dts = pkt->dts;
            p.keyframe = media::has_idr(au);
            p.data = std::make_shared<const std::vector<std::uint8_t>>(std::move(au));
            out.push_back(std::move(p));
            av_packet_unref(pkt.get());
        }
    };
    for (int i = 0; i < frames; ++i) {
        av_frame_make_writable(f.get());
        for (int y = 0; y < s.height; ++y) {
            for (int x = 0; x < s.width; ++x) {
                const bool box = std::abs(x - (i * 7) % s.width) < s.width / 8 &&
                                 std::abs(y - s.height / 2) < s.height / 6;
                f->data[0][y * f->linesize[0] + x] =
                    static_cast<std::uint8_t>(box ? 235 : (x / 4 + y / 3 + i * 2) & 0xFF);
            }
        }
        for (int y = 0; y < s.height / 2; ++y) {
            std::memset(f->data[1] + y * f->linesize[1], 128 + (i % 40), s.width / 2);
            std::memset(f->data[2] + y * f->linesize[2], 128 - (y % 50), s.width / 2);
        }
        f->pts = ms_ticks(i / s.fps);
        avcodec_send_frame(c.get(), f.get());
        receive();
    }
    avcodec_send_frame(c.get(), nullptr);
    receive();
    // RTMP timestamps start at 0 and PTS >= DTS: shift the B-frame delay away.
    std::int64_t shift = 0;
    for (const auto& p : out)
        shift = std::max(shift, -p.dts);
    for (auto& p : out) {
        p.dts += shift;
        p.pts += shift;
    }
    e.packets = std::move(out);
    return e;
}

// `seconds` of a 440 Hz tone; "aac" (AAC-LC 96k) or "libopus" (20 ms; 48 kHz only), in
// `channels` (1 or 2) at `rate`.
inline Elementary make_audio(const std::string& encoder,
                             double seconds,
                             int channels = 2,
                             int rate = 48000) {
    const AVCodec* codec = avcodec_find_encoder_by_name(encoder.c_str());
    CodecContextPtr c(avcodec_alloc_context3(codec));
    c->sample_rate = rate;
    c->sample_fmt = encoder == "aac" ? AV_SAMPLE_FMT_FLTP : AV_SAMPLE_FMT_S16;
    av_channel_layout_default(&c->ch_layout, channels);
    c->bit_rate = 96000;
    c->time_base = AVRational{1, rate};
    c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (avcodec_open2(c.get(), codec, nullptr) < 0) std::abort();
    Elementary e;
    auto& t = e.track;
    t.kind = media::TrackKind::audio;
    t.timescale = static_cast<std::uint32_t>(rate);
    t.sample_rate = static_cast<std::uint32_t>(rate);
    t.channels = static_cast<std::uint32_t>(channels);
    if (encoder == "aac") {
        t.codec = media::Codec::aac;
        t.extradata.assign(c->extradata, c->extradata + c->extradata_size);
        t.samples_per_frame = 1024;
        t.codec_string = "mp4a.40.2";
    } else {
        t.codec = media::Codec::opus;
        t.extradata =
            detail::dops_from_opus_head(c->extradata, static_cast<std::size_t>(c->extradata_size));
        t.samples_per_frame = 960;
        t.codec_string = "opus";
    }
    FramePtr f = detail::make_frame();
    f->nb_samples = c->frame_size;
    f->format = c->sample_fmt;
    av_channel_layout_copy(&f->ch_layout, &c->ch_layout);
    av_frame_get_buffer(f.get(), 0);
    PacketPtr pkt = detail::make_packet();
    auto receive = [&] {
        while (avcodec_receive_packet(c.get(), pkt.get()) == 0) {
            media::MediaPacket p;
            // RTMP-like: millisecond timestamps in the sample rate.
            p.pts = p.dts = std::llround(std::llround(pkt->pts * 1000.0 / rate) * rate / 1000.0);
            p.keyframe = true;
            p.data =
                std::make_shared<const std::vector<std::uint8_t>>(pkt->data, pkt->data + pkt->size);
            e.packets.push_back(std::move(p));
            av_packet_unref(pkt.get());
        }
    };
    const int frames = static_cast<int>(seconds * rate / c->frame_size);
    for (int i = 0; i < frames; ++i) {
        av_frame_make_writable(f.get());
        for (int n = 0; n < f->nb_samples; ++n) {
            const double v =
                0.3 * std::sin(2 * M_PI * 440 * (i * f->nb_samples + n) / double(rate));
            for (int ch = 0; ch < channels; ++ch) {
                if (encoder == "aac") {
                    reinterpret_cast<float*>(f->data[ch])[n] = static_cast<float>(v);
                } else {
                    reinterpret_cast<std::int16_t*>(f->data[0])[channels * n + ch] =
                        static_cast<std::int16_t>(v * 32767);
                }
            }
        }
        f->pts = static_cast<std::int64_t>(i) * c->frame_size;
        avcodec_send_frame(c.get(), f.get());
        receive();
    }
    avcodec_send_frame(c.get(), nullptr);
    receive();
    for (auto& p : e.packets) {  // priming makes the first pts negative
        p.pts = p.dts = std::max<std::int64_t>(0, p.pts);
    }
    return e;
}

// Video (track 0) and audio (track 1) interleaved by time, as the ingest publishes them.
inline std::vector<media::MediaPacket> interleave(const Elementary& v, const Elementary* a) {
    std::vector<media::MediaPacket> out;
    std::size_t ai = 0;
    for (const auto& p : v.packets) {
        while (a && ai < a->packets.size() &&
               a->packets[ai].dts * 90000 / a->track.timescale <= p.dts) {
            auto ap = a->packets[ai++];
            ap.track = 1;
            out.push_back(ap);
        }
        auto vp = p;
        vp.track = 0;
        out.push_back(vp);
    }
    while (a && ai < a->packets.size()) {
        auto ap = a->packets[ai++];
        ap.track = 1;
        out.push_back(ap);
    }
    return out;
}

// An output: records what it is given (on the strand; read by the test thread).
class Recorder : public live::Consumer {
public:
    explicit Recorder(Rung r) : rung(std::move(r)) {}
    void on_tracks(const std::vector<media::TrackInfo>& t) override {
        std::lock_guard lock(mu);
        tracks.push_back(t);
    }
    void on_packet(const media::MediaPacket& p) override {
        std::lock_guard lock(mu);
        packets.push_back(p);
    }
    void on_discontinuity() override {
        std::lock_guard lock(mu);
        ++discontinuities;
    }
    void on_gap() override {
        std::lock_guard lock(mu);
        ++gaps;
    }
    void on_end() override {
        std::lock_guard lock(mu);
        ++ends;
    }
    std::vector<media::MediaPacket> of_track(std::uint32_t track) const {
        std::lock_guard lock(mu);
        std::vector<media::MediaPacket> out;
        for (const auto& p : packets) {
            if (p.track == track) out.push_back(p);
        }
        return out;
    }

    const Rung rung;
    mutable std::mutex mu;
    std::vector<std::vector<media::TrackInfo>> tracks;
    std::vector<media::MediaPacket> packets;
    int discontinuities = 0;
    int gaps = 0;
    int ends = 0;
};

// An io_context on its own thread, a strand, and the outputs a Transcoder made.
class Rig {
public:
    Rig() : strand(boost::asio::make_strand(ioc)), thread([this] { ioc.run(); }) {
        route_ffmpeg_logs(AV_LOG_ERROR);  // x264's statistics would drown the test output
    }
    ~Rig() {
        work.reset();
        thread.join();
    }

    Transcoder::OutputFactory factory() {
        return [this](const Rung& r) {
            auto out = std::make_shared<Recorder>(r);
            std::lock_guard lock(mu);
            made.push_back(out);
            outputs[r.name] = out;
            return out;
        };
    }
    std::shared_ptr<Recorder> output(const std::string& name) {
        std::lock_guard lock(mu);
        auto it = outputs.find(name);
        return it == outputs.end() ? nullptr : it->second;
    }
    // Runs `f` on the strand and waits for it.
    template <class F>
    void on_strand(F f) {
        std::promise<void> done;
        boost::asio::post(strand, [&] {
            f();
            done.set_value();
        });
        done.get_future().wait();
    }
    // Feeds packets on the strand; with `realtime`, at the pace of their timestamps, else as
    // fast as the transcoder takes them (keeping its queue under `max_depth`).
    // `origin`: the wall time of dts 0 when pacing (a second call continues the first).
    std::chrono::steady_clock::time_point feed(
        Transcoder& tc,
        const std::vector<media::MediaPacket>& packets,
        const std::vector<media::TrackInfo>& tracks,
        bool realtime,
        std::optional<std::chrono::steady_clock::time_point> origin = std::nullopt,
        std::size_t max_depth = 64) {
        const auto start = origin.value_or(std::chrono::steady_clock::now());
        for (const auto& p : packets) {
            if (realtime) {
                const auto scale = tracks[p.track].timescale;
                std::this_thread::sleep_until(start +
                                              std::chrono::microseconds(p.dts * 1000000 / scale));
            } else {
                while (tc.stats().queue_depth > max_depth)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            on_strand([&] { tc.on_packet(p); });
        }
        return start;
    }
    // Waits (bounded) until the transcoder finished and every output it made was ended.
    bool wait_finished(Transcoder& tc, std::chrono::seconds limit = std::chrono::seconds(30)) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until) {
            bool all = tc.finished();
            {
                std::lock_guard lock(mu);
                for (auto& o : made) {
                    std::lock_guard l2(o->mu);
                    all = all && o->ends == 1;
                }
            }
            if (all) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return false;
    }

    boost::asio::io_context ioc;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work =
        boost::asio::make_work_guard(ioc);
    boost::asio::strand<boost::asio::io_context::executor_type> strand;
    std::mutex mu;
    std::vector<std::shared_ptr<Recorder>> made;
    std::map<std::string, std::shared_ptr<Recorder>> outputs;
    std::thread thread;
};

struct Decoded {
    int frames = 0;
    int width = 0;
    int height = 0;
    int errors = 0;
};

// Decodes an output's video with libavcodec from its avcC.
inline Decoded decode_video(const media::TrackInfo& track,
                            const std::vector<media::MediaPacket>& packets) {
    Decoded d;
    const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    CodecContextPtr c(avcodec_alloc_context3(codec));
    detail::set_extradata(c.get(), track.extradata.data(), track.extradata.size());
    c->thread_count = 1;
    if (avcodec_open2(c.get(), codec, nullptr) < 0) return d;
    PacketPtr pkt = detail::make_packet();
    FramePtr f = detail::make_frame();
    auto receive = [&] {
        while (avcodec_receive_frame(c.get(), f.get()) == 0) {
            ++d.frames;
            d.width = f->width;
            d.height = f->height;
            d.errors += (f->decode_error_flags != 0);
            av_frame_unref(f.get());
        }
    };
    for (const auto& p : packets) {
        av_new_packet(pkt.get(), static_cast<int>(p.data->size()));
        std::memcpy(pkt->data, p.data->data(), p.data->size());
        pkt->pts = p.pts;
        pkt->dts = p.dts;
        if (avcodec_send_packet(c.get(), pkt.get()) < 0) ++d.errors;
        av_packet_unref(pkt.get());
        receive();
    }
    avcodec_send_packet(c.get(), nullptr);
    receive();
    return d;
}

}  // namespace nchat::transcode::test
