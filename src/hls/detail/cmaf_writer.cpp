#include "hls/detail/cmaf_writer.hpp"

#include "hls/detail/boxes.hpp"
#include "hls/detail/sample_entry.hpp"

namespace nchat::hls {
namespace {

using detail::box;
using detail::Bytes;
using detail::empty_box;
using detail::full_box;
using util::ByteWriter;

constexpr std::uint32_t kMovieTimescale = 1000;  // mvhd: durations are 0 anyway (fragmented)

// 'und' as ISO-639-2/T packed into 3×5 bits (§8.4.2.3).
constexpr std::uint16_t kLanguageUnd = ((('u' - 0x60) << 10) | (('n' - 0x60) << 5) | ('d' - 0x60));

void ftyp(Bytes& out) {
    // default-base-is-moof (tfhd 0x020000) needs a brand >= iso5 (§8.8.7.1); cmfc says CMAF.
    box(out, "ftyp", [](ByteWriter& w) {
        w.bytes("iso6");
        w.u32(0);  // minor_version
        w.bytes("iso6cmfcisommp41");
    });
}

void mvhd(Bytes& out, std::uint32_t next_track_id) {
    full_box(out, "mvhd", 0, 0, [&](ByteWriter& w) {
        w.u32(0);  // creation_time
        w.u32(0);  // modification_time
        w.u32(kMovieTimescale);
        w.u32(0);           // duration: unknown, live
        w.u32(0x00010000);  // rate 1.0
        w.u16(0x0100);      // volume 1.0
        w.u16(0);
        w.u64(0);
        detail::unity_matrix(w);
        for (int i = 0; i < 6; ++i)
            w.u32(0);  // pre_defined
        w.u32(next_track_id);
    });
}

void tkhd(Bytes& out, const media::TrackInfo& t, std::uint32_t track_id) {
    const bool video = t.kind == media::TrackKind::video;
    // flags 3 = track_enabled | track_in_movie (§8.3.2).
    full_box(out, "tkhd", 0, 3, [&](ByteWriter& w) {
        w.u32(0);
        w.u32(0);
        w.u32(track_id);
        w.u32(0);
        w.u32(0);  // duration
        w.u64(0);
        w.u16(0);  // layer
        w.u16(0);  // alternate_group
        w.u16(video ? 0 : 0x0100);
        w.u16(0);
        detail::unity_matrix(w);
        w.u32(video ? t.width << 16 : 0);  // 16.16
        w.u32(video ? t.height << 16 : 0);
    });
}

void mdia(Bytes& out, const media::TrackInfo& t) {
    const bool video = t.kind == media::TrackKind::video;
    box(out, "mdia", [&](ByteWriter&) {
        full_box(out, "mdhd", 0, 0, [&](ByteWriter& w) {
            w.u32(0);
            w.u32(0);
            w.u32(t.timescale);
            w.u32(0);
            w.u16(kLanguageUnd);
            w.u16(0);
        });
        full_box(out, "hdlr", 0, 0, [&](ByteWriter& w) {
            w.u32(0);
            w.bytes(video ? "vide" : "soun");
            w.u32(0);
            w.u32(0);
            w.u32(0);
            w.bytes(video ? "VideoHandler" : "SoundHandler");
            w.u8(0);
        });
        box(out, "minf", [&](ByteWriter&) {
            if (video) {
                full_box(out, "vmhd", 0, 1, [](ByteWriter& w) { w.u64(0); });  // mode + opcolor
            } else {
                full_box(out, "smhd", 0, 0, [](ByteWriter& w) { w.u32(0); });  // balance
            }
            box(out, "dinf", [&](ByteWriter&) {
                full_box(out, "dref", 0, 0, [&](ByteWriter& w) {
                    w.u32(1);
                    // flags 1: the media is in this file (§8.7.2).
                    full_box(out, "url ", 0, 1, [](ByteWriter&) {});
                });
            });
            box(out, "stbl", [&](ByteWriter&) {
                full_box(out, "stsd", 0, 0, [&](ByteWriter& w) {
                    w.u32(1);
                    detail::write_sample_entry(out, t);
                });
                // Empty tables: every sample lives in the fragments (§8.8.1).
                full_box(out, "stts", 0, 0, [](ByteWriter& w) { w.u32(0); });
                full_box(out, "stsc", 0, 0, [](ByteWriter& w) { w.u32(0); });
                full_box(out, "stsz", 0, 0, [](ByteWriter& w) { w.u64(0); });  // size + count
                full_box(out, "stco", 0, 0, [](ByteWriter& w) { w.u32(0); });
            });
        });
    });
}

void traf(Bytes& out, const FragmentTrack& t, std::vector<std::size_t>& data_offset_at) {
    box(out, "traf", [&](ByteWriter&) {
        // 0x020000 default-base-is-moof: data offsets count from the moof start (§8.8.7.1).
        full_box(out, "tfhd", 0, 0x020000, [&](ByteWriter& w) { w.u32(t.track_id); });
        // Version 1 (u64): a 90 kHz clock passes 2^32 after 13 hours.
        full_box(out, "tfdt", 1, 0, [&](ByteWriter& w) { w.u64(t.base_decode_time); });
        // data-offset | duration | size | flags | composition offset; version 1 makes the
        // offset signed (§8.8.8).
        full_box(out, "trun", 1, 0x000F01, [&](ByteWriter& w) {
            w.u32(static_cast<std::uint32_t>(t.samples.size()));
            data_offset_at.push_back(out.size());
            w.u32(0);  // patched once the moof size is known
            for (const auto& s : t.samples) {
                w.u32(s.duration);
                w.u32(static_cast<std::uint32_t>(s.data.size()));
                w.u32(s.flags);
                w.u32(static_cast<std::uint32_t>(s.composition_offset));
            }
        });
    });
}

}  // namespace

std::vector<std::uint8_t> make_init_segment(const std::vector<media::TrackInfo>& tracks) {
    Bytes out;
    out.reserve(1024);
    ftyp(out);
    box(out, "moov", [&](ByteWriter&) {
        mvhd(out, static_cast<std::uint32_t>(tracks.size() + 1));
        for (std::size_t i = 0; i < tracks.size(); ++i) {
            box(out, "trak", [&](ByteWriter&) {
                tkhd(out, tracks[i], static_cast<std::uint32_t>(i + 1));
                mdia(out, tracks[i]);
            });
        }
        box(out, "mvex", [&](ByteWriter&) {
            for (std::size_t i = 0; i < tracks.size(); ++i) {
                full_box(out, "trex", 0, 0, [&](ByteWriter& w) {
                    w.u32(static_cast<std::uint32_t>(i + 1));
                    w.u32(1);  // default_sample_description_index
                    w.u32(0);  // duration, size, flags: every trun says its own
                    w.u32(0);
                    w.u32(0);
                });
            }
        });
    });
    return out;
}

std::vector<std::uint8_t> make_fragment(std::uint32_t sequence_number,
                                        const std::vector<FragmentTrack>& tracks) {
    std::size_t reserve = 32 + 8;  // moof + mfhd, mdat header
    for (const auto& t : tracks) {
        reserve += 64;  // traf + tfhd + tfdt + trun headers
        for (const auto& s : t.samples)
            reserve += 16 + s.data.size();
    }
    Bytes out;
    out.reserve(reserve);  // one allocation: the sample bytes are copied once, here
    std::vector<std::size_t> data_offset_at;
    box(out, "moof", [&](ByteWriter&) {
        full_box(out, "mfhd", 0, 0, [&](ByteWriter& w) { w.u32(sequence_number); });
        for (const auto& t : tracks)
            traf(out, t, data_offset_at);
    });
    const std::size_t moof_size = out.size();
    std::size_t offset = moof_size + 8;  // past the mdat header
    for (std::size_t i = 0; i < tracks.size(); ++i) {
        detail::patch_u32(out, data_offset_at[i], static_cast<std::uint32_t>(offset));
        for (const auto& s : tracks[i].samples)
            offset += s.data.size();
    }
    box(out, "mdat", [&](ByteWriter& w) {
        for (const auto& t : tracks) {
            for (const auto& s : t.samples)
                w.bytes(s.data);
        }
    });
    return out;
}

}  // namespace nchat::hls
