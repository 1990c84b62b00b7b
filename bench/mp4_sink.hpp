#pragma once
// A rendition written to an .mp4 (libavformat's muxer, timestamps as they come, so a 24 fps
// rung keeps its source pts and the psnr filter pairs frames by time), or just counted.
// A live::Consumer: called on the stream strand like an HLS packager.
#include <atomic>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
}

#include "live/consumer.hpp"

namespace nchat::bench {

class Mp4Sink : public live::Consumer {
public:
    // Empty path: count only.
    explicit Mp4Sink(std::string path) : path_(std::move(path)) {}
    ~Mp4Sink() override { close(); }

    void on_tracks(const std::vector<media::TrackInfo>& tracks) override {
        if (opened_ || path_.empty()) {
            tracks_ = tracks;
            return;
        }
        tracks_ = tracks;
        if (avformat_alloc_output_context2(&oc_, nullptr, "mp4", path_.c_str()) < 0) return;
        for (const auto& t : tracks) {
            AVStream* st = avformat_new_stream(oc_, nullptr);
            auto* cp = st->codecpar;
            cp->extradata = static_cast<std::uint8_t*>(
                av_mallocz(t.extradata.size() + AV_INPUT_BUFFER_PADDING_SIZE));
            std::memcpy(cp->extradata, t.extradata.data(), t.extradata.size());
            cp->extradata_size = static_cast<int>(t.extradata.size());
            if (t.kind == media::TrackKind::video) {
                cp->codec_type = AVMEDIA_TYPE_VIDEO;
                cp->codec_id = AV_CODEC_ID_H264;
                cp->width = static_cast<int>(t.width);
                cp->height = static_cast<int>(t.height);
            } else {
                cp->codec_type = AVMEDIA_TYPE_AUDIO;
                cp->codec_id = AV_CODEC_ID_AAC;
                cp->sample_rate = static_cast<int>(t.sample_rate);
                av_channel_layout_default(&cp->ch_layout, static_cast<int>(t.channels));
                cp->frame_size = 1024;
            }
            st->time_base = AVRational{1, static_cast<int>(t.timescale)};
        }
        if (avio_open(&oc_->pb, path_.c_str(), AVIO_FLAG_WRITE) < 0) return;
        if (avformat_write_header(oc_, nullptr) < 0) return;
        opened_ = true;
    }

    void on_packet(const media::MediaPacket& p) override {
        if (p.track == 0) {
            ++video_packets;
            if (p.keyframe) ++keyframes;
        }
        bytes[p.track < 2 ? p.track : 1] += p.data->size();
        if (!opened_ || p.track >= tracks_.size()) return;
        AVPacket* pkt = av_packet_alloc();
        av_new_packet(pkt, static_cast<int>(p.data->size()));
        std::memcpy(pkt->data, p.data->data(), p.data->size());
        pkt->stream_index = static_cast<int>(p.track);
        pkt->pts = p.pts;
        pkt->dts = p.dts;
        if (p.keyframe) pkt->flags |= AV_PKT_FLAG_KEY;
        // The muxer takes each sample's duration from the next dts, except the last one's:
        // without this the last frame falls outside the edit list.
        const auto& t = tracks_[p.track];
        pkt->duration = t.kind == media::TrackKind::audio ? 1024
                        : t.frame_rate > 0 ? static_cast<std::int64_t>(90000 / t.frame_rate)
                                           : 3000;
        av_packet_rescale_ts(pkt, AVRational{1, static_cast<int>(tracks_[p.track].timescale)},
                             oc_->streams[p.track]->time_base);
        av_interleaved_write_frame(oc_, pkt);
        av_packet_free(&pkt);
    }

    void on_end() override {
        close();
        ended.store(true);
    }

    std::atomic<bool> ended{false};
    std::size_t video_packets = 0;  // on strand
    std::size_t keyframes = 0;
    std::size_t bytes[2] = {0, 0};

private:
    void close() {
        if (!oc_) return;
        if (opened_) av_write_trailer(oc_);
        if (oc_->pb) avio_closep(&oc_->pb);
        avformat_free_context(oc_);
        oc_ = nullptr;
        opened_ = false;
    }

    std::string path_;
    AVFormatContext* oc_ = nullptr;
    bool opened_ = false;
    std::vector<media::TrackInfo> tracks_;
};

}  // namespace nchat::bench
