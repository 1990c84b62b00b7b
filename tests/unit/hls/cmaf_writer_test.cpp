#include "hls/detail/cmaf_writer.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

#include "hls/detail/sample_entry.hpp"
#include "unit/hls/box_walker.hpp"
#include "unit/hls/real_media.hpp"

namespace nchat::hls {
namespace {

using test::be32;
using test::be64;
using test::Bytes;
using test::children;
using test::find;
using test::hex;
using test::types;
using test::walk;
using Types = std::vector<std::string>;

media::TrackInfo avc_track() {
    media::TrackInfo t;
    t.kind = media::TrackKind::video;
    t.codec = media::Codec::h264;
    t.timescale = 90000;
    t.width = 1280;
    t.height = 720;
    // avcC: version 1, High 4.0, 4-byte lengths, one (truncated) SPS, one PPS.
    t.extradata = hex("01 64 00 28 ff e1 0004 6764 0028 01 0004 68ee 3cb0");
    return t;
}

media::TrackInfo aac_track() {
    media::TrackInfo t;
    t.kind = media::TrackKind::audio;
    t.codec = media::Codec::aac;
    t.timescale = 48000;
    t.sample_rate = 48000;
    t.channels = 2;
    t.bitrate = 128000;
    t.extradata = hex("11 90");  // ASC: AAC-LC (2), 48 kHz (3), 2 channels
    return t;
}

TEST(CmafInit, FtypAndMvhdBytes) {
    const Bytes init = make_init_segment({avc_track()});
    const Bytes ftyp =
        hex("00000020 66747970"                      // size 32, 'ftyp'
            "69736f36 00000000"                      // major_brand iso6, minor_version 0
            "69736f36 636d6663 69736f6d 6d703431");  // compatible: iso6 cmfc isom mp41
    const Bytes mvhd =
        hex("0000006c 6d766864 00 000000"  // size 108, 'mvhd', version 0, flags 0
            "00000000 00000000"            // creation, modification time
            "000003e8 00000000"            // timescale 1000, duration 0 (live)
            "00010000 0100 0000"           // rate 1.0, volume 1.0, reserved
            "00000000 00000000"            // reserved
            "00010000 00000000 00000000"   // matrix: unity
            "00000000 00010000 00000000"
            "00000000 00000000 40000000"
            "00000000 00000000 00000000 00000000 00000000 00000000"  // pre_defined
            "00000002");                                             // next_track_ID
    ASSERT_GE(init.size(), 40 + mvhd.size());
    EXPECT_EQ(Bytes(init.begin(), init.begin() + 32), ftyp);
    EXPECT_EQ(Bytes(init.begin() + 36, init.begin() + 40), hex("6d6f6f76"));  // 'moov'
    EXPECT_EQ(Bytes(init.begin() + 40, init.begin() + 40 + 108), mvhd);
}

TEST(CmafInit, BoxTreeForVideoAndAudio) {
    const Bytes init = make_init_segment({avc_track(), aac_track()});
    const auto top = walk(init);
    ASSERT_EQ(types(top), (Types{"ftyp", "moov"}));
    const auto moov = children(top[1]);
    ASSERT_EQ(types(moov), (Types{"mvhd", "trak", "trak", "mvex"}));

    const auto trak = children(moov[1]);
    ASSERT_EQ(types(trak), (Types{"tkhd", "mdia"}));
    const auto tkhd = trak[0].body;
    EXPECT_EQ(be32(tkhd, 0), 3u);            // version 0, flags 3 (enabled, in movie)
    EXPECT_EQ(be32(tkhd, 12), 1u);           // track_ID
    EXPECT_EQ(be32(tkhd, 76), 1280u << 16);  // width 16.16
    EXPECT_EQ(be32(tkhd, 80), 720u << 16);   // height 16.16
    const auto mdia = children(trak[1]);
    ASSERT_EQ(types(mdia), (Types{"mdhd", "hdlr", "minf"}));
    EXPECT_EQ(be32(mdia[0].body, 12), 90000u);  // mdhd timescale
    EXPECT_EQ(mdia[0].body[20], 0x55);          // language 'und' = 0x55c4
    EXPECT_EQ(mdia[0].body[21], 0xc4);
    EXPECT_EQ(std::string(mdia[1].body.begin() + 8, mdia[1].body.begin() + 12), "vide");
    const auto minf = children(mdia[2]);
    ASSERT_EQ(types(minf), (Types{"vmhd", "dinf", "stbl"}));
    const auto dref = children(children(minf[1])[0], 8);  // FullBox + entry_count
    ASSERT_EQ(types(dref), (Types{"url "}));
    EXPECT_EQ(be32(dref[0].body, 0), 1u);  // flags 1: self-contained
    const auto stbl = children(minf[2]);
    ASSERT_EQ(types(stbl), (Types{"stsd", "stts", "stsc", "stsz", "stco"}));
    const auto stsd = children(stbl[0], 8);
    ASSERT_EQ(types(stsd), (Types{"avc1"}));
    const auto avc1 = children(stsd[0], 78);  // VisualSampleEntry fields
    ASSERT_EQ(types(avc1), (Types{"avcC"}));
    EXPECT_EQ(Bytes(avc1[0].body.begin(), avc1[0].body.end()), avc_track().extradata);
    EXPECT_EQ(be32(stsd[0].body, 24), (1280u << 16) | 720u);  // width, height

    const auto atrak = children(moov[2]);
    const auto amdia = children(atrak[1]);
    EXPECT_EQ(be32(amdia[0].body, 12), 48000u);
    EXPECT_EQ(std::string(amdia[1].body.begin() + 8, amdia[1].body.begin() + 12), "soun");
    const auto astbl = children(children(amdia[2])[2]);
    const auto mp4a = children(astbl[0], 8);
    ASSERT_EQ(types(mp4a), (Types{"mp4a"}));
    const auto esds = children(mp4a[0], 28);  // AudioSampleEntry fields
    ASSERT_EQ(types(esds), (Types{"esds"}));
    EXPECT_EQ(Bytes(esds[0].body.begin(), esds[0].body.end()),
              hex("00 000000"           // version 0, flags 0
                  "03 19 0000 00"       // ES_Descriptor, 25 bytes: ES_ID 0, flags 0
                  "04 11 40 15 000000"  // DecoderConfig, 17 bytes: AAC, audio, buffer 0
                  "0001f400 0001f400"   // max/avg bitrate 128000
                  "05 02 1190"          // DecoderSpecificInfo = the ASC
                  "06 01 02"));         // SLConfig predefined 2
    EXPECT_EQ(be32(mp4a[0].body, 24), 48000u << 16);

    const auto mvex = children(moov[3]);
    ASSERT_EQ(types(mvex), (Types{"trex", "trex"}));
    EXPECT_EQ(Bytes(mvex[1].body.begin(), mvex[1].body.end()),
              hex("00 000000 00000002 00000001 00000000 00000000 00000000"));
}

TEST(CmafInit, OpusEntryCarriesDops) {
    media::TrackInfo t;
    t.kind = media::TrackKind::audio;
    t.codec = media::Codec::opus;
    t.timescale = 48000;
    t.channels = 2;
    // dOps body: version 0, 2 channels, PreSkip 312, 48000 Hz, gain 0, family 0 (big-endian).
    t.extradata = hex("00 02 0138 0000bb80 0000 00");
    const Bytes init = make_init_segment({t});
    const auto stbl = children(children(children(children(walk(init)[1])[1])[1])[2])[2];
    const auto entry = children(children(stbl)[0], 8);
    ASSERT_EQ(types(entry), (Types{"Opus"}));
    EXPECT_EQ(be32(entry[0].body, 24), 48000u << 16);
    const auto dops = children(entry[0], 28);
    ASSERT_EQ(types(dops), (Types{"dOps"}));
    EXPECT_EQ(Bytes(dops[0].body.begin(), dops[0].body.end()), t.extradata);
}

TEST(CmafInit, DescriptorLengthsUseSevenBitGroups) {
    Bytes out;
    util::ByteWriter w(out);
    detail::write_descriptor_length(w, 0x19);
    detail::write_descriptor_length(w, 200);     // 1×128 + 72
    detail::write_descriptor_length(w, 0x4000);  // 1×16384
    EXPECT_EQ(out, hex("19  81 48  81 80 00"));
}

TEST(CmafFragment, OffsetsFlagsAndTimes) {
    const Bytes v0 = hex("00000002 6588");  // pretend AVCC IDR
    const Bytes v1 = hex("00000003 419a01");
    const Bytes v2 = hex("00000001 41");
    const Bytes a0 = hex("21 10 05");
    const Bytes a1 = hex("21 10 06 07");
    std::vector<FragmentTrack> tracks(2);
    tracks[0].track_id = 1;
    tracks[0].base_decode_time = (1ull << 33) + 7;  // needs tfdt version 1
    tracks[0].samples = {{3000, kSyncSampleFlags, 3000, v0},
                         {3000, kNonSyncSampleFlags, -1500, v1},
                         {3000, kNonSyncSampleFlags, 0, v2}};
    tracks[1].track_id = 2;
    tracks[1].base_decode_time = 48000;
    tracks[1].samples = {{1024, kSyncSampleFlags, 0, a0}, {1024, kSyncSampleFlags, 0, a1}};
    const Bytes frag = make_fragment(42, tracks);

    const auto top = walk(frag);
    ASSERT_EQ(types(top), (Types{"moof", "mdat"}));
    EXPECT_EQ(top[1].size, 8 + v0.size() + v1.size() + v2.size() + a0.size() + a1.size());
    const auto moof = children(top[0]);
    ASSERT_EQ(types(moof), (Types{"mfhd", "traf", "traf"}));
    EXPECT_EQ(Bytes(moof[0].body.begin(), moof[0].body.end()), hex("00 000000 0000002a"));

    const std::vector<std::vector<const Bytes*>> want = {{&v0, &v1, &v2}, {&a0, &a1}};
    for (std::size_t t = 0; t < 2; ++t) {
        const auto traf = children(moof[1 + t]);
        ASSERT_EQ(types(traf), (Types{"tfhd", "tfdt", "trun"}));
        EXPECT_EQ(be32(traf[0].body, 0), 0x00020000u);  // default-base-is-moof
        EXPECT_EQ(be32(traf[0].body, 4), t + 1);
        EXPECT_EQ(traf[1].body[0], 1);  // tfdt version 1
        EXPECT_EQ(be64(traf[1].body, 4), tracks[t].base_decode_time);
        const auto trun = traf[2].body;
        EXPECT_EQ(be32(trun, 0), 0x01000F01u);  // version 1; offset, dur, size, flags, cto
        ASSERT_EQ(be32(trun, 4), want[t].size());
        // data_offset counts from the moof's first byte to this track's first sample.
        std::size_t at = top[0].offset + be32(trun, 8);
        for (std::size_t i = 0; i < want[t].size(); ++i) {
            const auto& s = tracks[t].samples[i];
            EXPECT_EQ(be32(trun, 12 + 16 * i), s.duration);
            EXPECT_EQ(be32(trun, 16 + 16 * i), want[t][i]->size());
            EXPECT_EQ(be32(trun, 20 + 16 * i), s.flags);
            EXPECT_EQ(static_cast<std::int32_t>(be32(trun, 24 + 16 * i)), s.composition_offset);
            EXPECT_EQ(Bytes(frag.begin() + at, frag.begin() + at + want[t][i]->size()), *want[t][i])
                << "track " << t << " sample " << i;
            at += want[t][i]->size();
        }
    }
}

class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/nchat-hls-XXXXXX";
        path_ = ::mkdtemp(tmpl);
    }
    ~TempDir() { test::run("rm -rf " + path_); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// ffprobe decodes an init segment + one fragment of real x264 and AAC frames.
TEST(CmafFragment, FfprobeDecodesInitPlusFragment) {
    if (!test::have_ffmpeg()) GTEST_SKIP() << "ffmpeg/ffprobe not installed";
    TempDir dir;
    const auto video = test::make_h264(12, 12, dir.path());
    const auto audio = test::make_aac(0.4, dir.path());
    ASSERT_EQ(video.frames.size(), 12u);
    ASSERT_TRUE(video.keyframe[0]);
    ASSERT_GE(audio.frames.size(), 15u);

    std::vector<FragmentTrack> tracks(2);
    tracks[0] = {1, 0, {}};
    for (std::size_t i = 0; i < video.frames.size(); ++i) {
        tracks[0].samples.push_back({3600,
                                     video.keyframe[i] ? kSyncSampleFlags : kNonSyncSampleFlags, 0,
                                     *video.frames[i]});
    }
    tracks[1] = {2, 0, {}};
    for (const auto& f : audio.frames)
        tracks[1].samples.push_back({1024, kSyncSampleFlags, 0, *f});
    Bytes file = make_init_segment({video.track, audio.track});
    const Bytes frag = make_fragment(1, tracks);
    file.insert(file.end(), frag.begin(), frag.end());
    const std::string path = dir.path() + "/out.mp4";
    test::write_file(path, file);

    const std::string probe = "ffprobe -v error -count_frames -of default=nw=1 ";
    EXPECT_EQ(test::run(probe +
                        "-select_streams v -show_entries stream=codec_name,width,height,"
                        "nb_read_frames " +
                        path),
              "codec_name=h264\nwidth=320\nheight=240\nnb_read_frames=12\n");
    EXPECT_EQ(test::run(probe +
                        "-select_streams a -show_entries stream=codec_name,sample_rate,channels,"
                        "nb_read_frames " +
                        path),
              "codec_name=aac\nsample_rate=48000\nchannels=2\nnb_read_frames=" +
                  std::to_string(audio.frames.size()) + "\n");
}

}  // namespace
}  // namespace nchat::hls
