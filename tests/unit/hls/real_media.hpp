#pragma once
// Real H.264 and AAC access units made by the ffmpeg CLI (x264 and FFmpeg's AAC encoder), in
// the form the ingest hands over: avcC + AVCC frames, AudioSpecificConfig + raw AAC frames.
#include <memory>

#include "media/avc_framing.hpp"
#include "media/packet.hpp"
#include "media/track.hpp"
#include "unit/hls/box_walker.hpp"

namespace nchat::hls::test {

struct Elementary {
    media::TrackInfo track;
    std::vector<std::shared_ptr<const Bytes>> frames;
    std::vector<bool> keyframe;
};

// Annex B → NAL units (without start codes).
inline std::vector<Bytes> split_annex_b(const Bytes& in) {
    std::vector<Bytes> nals;
    for (auto nal : media::split_annex_b(in))
        nals.emplace_back(nal.begin(), nal.end());
    return nals;
}

// `frames` frames of 320x240 testsrc at 25 fps, one slice per frame, no B-frames, a keyframe
// every `gop` frames.
inline Elementary make_h264(int frames, int gop, const std::string& dir) {
    const std::string path = dir + "/video.h264";
    run("ffmpeg -v error -y -f lavfi -i testsrc=size=320x240:rate=25 -frames:v " +
        std::to_string(frames) + " -c:v libx264 -preset ultrafast -bf 0 -g " + std::to_string(gop) +
        " -x264-params keyint_min=" + std::to_string(gop) +
        ":scenecut=0:sliced-threads=0 -threads 1 -f h264 " + path);
    Elementary e;
    Bytes sps;
    Bytes pps;
    Bytes au;
    bool key = false;
    for (const auto& nal : split_annex_b(read_file(path))) {
        const int type = nal[0] & 0x1F;
        if (type == 7) sps = nal;
        if (type == 8) pps = nal;
        if (type == 9 || type == 7 || type == 8) continue;  // AUD; parameter sets go in avcC
        const auto n = static_cast<std::uint32_t>(nal.size());
        au.insert(au.end(), {std::uint8_t(n >> 24), std::uint8_t(n >> 16), std::uint8_t(n >> 8),
                             std::uint8_t(n)});
        au.insert(au.end(), nal.begin(), nal.end());
        key = key || type == 5;
        if (type == 1 || type == 5) {  // one slice per frame: the slice ends the access unit
            e.frames.push_back(std::make_shared<const Bytes>(std::move(au)));
            e.keyframe.push_back(key);
            au.clear();
            key = false;
        }
    }
    if (sps.size() < 4) return e;
    auto& t = e.track;
    t.kind = media::TrackKind::video;
    t.codec = media::Codec::h264;
    t.timescale = 90000;
    t.width = 320;
    t.height = 240;
    t.frame_rate = 25;
    t.extradata = {1,
                   sps[1],
                   sps[2],
                   sps[3],
                   0xFF,
                   0xE1,
                   std::uint8_t(sps.size() >> 8),
                   std::uint8_t(sps.size())};
    t.extradata.insert(t.extradata.end(), sps.begin(), sps.end());
    t.extradata.insert(t.extradata.end(),
                       {1, std::uint8_t(pps.size() >> 8), std::uint8_t(pps.size())});
    t.extradata.insert(t.extradata.end(), pps.begin(), pps.end());
    char codec[32];
    std::snprintf(codec, sizeof codec, "avc1.%02x%02x%02x", sps[1], sps[2], sps[3]);
    t.codec_string = codec;
    return e;
}

// `seconds` of a 440 Hz tone, AAC-LC 48 kHz stereo, ADTS stripped.
inline Elementary make_aac(double seconds, const std::string& dir) {
    const std::string path = dir + "/audio.aac";
    run("ffmpeg -v error -y -f lavfi -i sine=frequency=440:sample_rate=48000 -ac 2 -t " +
        std::to_string(seconds) + " -c:a aac -b:a 96k -f adts " + path);
    const Bytes adts = read_file(path);
    Elementary e;
    std::size_t pos = 0;
    int profile = 1;
    int freq_index = 3;
    int channels = 2;
    while (pos + 7 <= adts.size() && adts[pos] == 0xFF && (adts[pos + 1] & 0xF0) == 0xF0) {
        const std::size_t header = (adts[pos + 1] & 1) ? 7 : 9;  // protection_absent
        const std::size_t len =
            ((adts[pos + 3] & 3) << 11) | (adts[pos + 4] << 3) | (adts[pos + 5] >> 5);
        profile = adts[pos + 2] >> 6;
        freq_index = (adts[pos + 2] >> 2) & 0xF;
        channels = ((adts[pos + 2] & 1) << 2) | (adts[pos + 3] >> 6);
        if (len < header || pos + len > adts.size()) break;
        e.frames.push_back(
            std::make_shared<const Bytes>(adts.begin() + pos + header, adts.begin() + pos + len));
        e.keyframe.push_back(true);
        pos += len;
    }
    auto& t = e.track;
    t.kind = media::TrackKind::audio;
    t.codec = media::Codec::aac;
    t.timescale = 48000;
    t.sample_rate = 48000;
    t.channels = static_cast<std::uint32_t>(channels);
    t.samples_per_frame = 1024;
    const int aot = profile + 1;  // ADTS profile = audio object type - 1
    t.extradata = {std::uint8_t(aot << 3 | freq_index >> 1),
                   std::uint8_t((freq_index & 1) << 7 | channels << 3)};
    t.codec_string = "mp4a.40." + std::to_string(aot);
    t.bitrate = 96000;
    return e;
}

}  // namespace nchat::hls::test
