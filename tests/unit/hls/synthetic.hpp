#pragma once
// Synthetic packets for the rendition and playlist tests: video at a given frame rate with a
// fixed keyframe interval, AAC-sized audio frames, pushed in timestamp order.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "hls/detail/rendition.hpp"

namespace nchat::hls::test {

inline media::TrackInfo video_track(double fps = 30) {
    media::TrackInfo t;
    t.kind = media::TrackKind::video;
    t.codec = media::Codec::h264;
    t.timescale = 90000;
    t.width = 640;
    t.height = 360;
    t.frame_rate = fps;
    t.extradata = {1, 0x42, 0xc0, 0x1e, 0xff, 0xe1, 0, 1, 0x67, 1, 0, 1, 0x68};
    t.codec_string = "avc1.42c01e";
    t.bitrate = 800000;
    return t;
}

inline media::TrackInfo audio_track() {
    media::TrackInfo t;
    t.kind = media::TrackKind::audio;
    t.codec = media::Codec::aac;
    t.timescale = 48000;
    t.sample_rate = 48000;
    t.channels = 2;
    t.samples_per_frame = 1024;
    t.extradata = {0x11, 0x90};
    t.codec_string = "mp4a.40.2";
    t.bitrate = 128000;
    return t;
}

struct Feed {
    int video = -1;  // track index, -1 = none
    int audio = -1;
    std::int64_t fps_num = 30;
    std::int64_t fps_den = 1;
    double gop_seconds = 2;
    util::Time wall0 = util::Time{std::chrono::milliseconds(1'767'225'600'000)};  // 2026-01-01
};

// Pushes every frame whose time lies in [from, to) seconds; video frame i has
// dts = i × 90000 × den / num, audio frame j has dts = j × 1024 at 48 kHz.
inline void feed(Rendition& r, const Feed& f, double from, double to) {
    struct Item {
        double time;
        media::MediaPacket p;
    };
    std::vector<Item> items;
    if (f.video >= 0) {
        const auto gop =
            static_cast<std::int64_t>(std::llround(f.gop_seconds * f.fps_num / f.fps_den));
        for (std::int64_t i = static_cast<std::int64_t>(std::ceil(from * f.fps_num / f.fps_den));;
             ++i) {
            const std::int64_t dts = i * 90000 * f.fps_den / f.fps_num;
            if (dts / 90000.0 >= to) break;
            if (dts / 90000.0 < from) continue;
            auto data = std::make_shared<const std::vector<std::uint8_t>>(
                std::vector<std::uint8_t>{0, 0, 0, 2, std::uint8_t(i >> 8), std::uint8_t(i)});
            items.push_back({dts / 90000.0, media::MediaPacket{static_cast<std::uint32_t>(f.video),
                                                               dts, dts, i % gop == 0, data}});
        }
    }
    if (f.audio >= 0) {
        for (std::int64_t j = static_cast<std::int64_t>(std::ceil(from * 48000 / 1024));; ++j) {
            const std::int64_t dts = j * 1024;
            if (dts / 48000.0 >= to) break;
            if (dts / 48000.0 < from) continue;
            auto data = std::make_shared<const std::vector<std::uint8_t>>(
                std::vector<std::uint8_t>{0x21, std::uint8_t(j)});
            items.push_back({dts / 48000.0, media::MediaPacket{static_cast<std::uint32_t>(f.audio),
                                                               dts, dts, true, data}});
        }
    }
    std::stable_sort(items.begin(), items.end(),
                     [](const Item& a, const Item& b) { return a.time < b.time; });
    for (const auto& it : items) {
        r.push(it.p, f.wall0 + std::chrono::milliseconds(std::llround(it.time * 1000)));
    }
}

}  // namespace nchat::hls::test
