#include "hls/detail/sample_entry.hpp"

namespace nchat::hls::detail {
namespace {

// SampleEntry (§8.5.2.2): 6 reserved bytes, then data_reference_index 1 (our only dref).
void sample_entry_header(util::ByteWriter& w) {
    for (int i = 0; i < 6; ++i)
        w.u8(0);
    w.u16(1);
}

void avc1(Bytes& out, const media::TrackInfo& t) {
    box(out, "avc1", [&](util::ByteWriter& w) {
        // VisualSampleEntry (§12.1.3.2).
        sample_entry_header(w);
        for (int i = 0; i < 16; ++i)
            w.u8(0);  // pre_defined, reserved, pre_defined[3]
        w.u16(static_cast<std::uint16_t>(t.width));
        w.u16(static_cast<std::uint16_t>(t.height));
        w.u32(0x00480000);  // 72 dpi
        w.u32(0x00480000);
        w.u32(0);
        w.u16(1);  // frame_count
        for (int i = 0; i < 32; ++i)
            w.u8(0);  // compressorname: empty Pascal string
        w.u16(0x0018);
        w.u16(0xFFFF);  // pre_defined = -1
        // 14496-15 §5.4.2.1: the decoder configuration record, exactly as the encoder sent it.
        box(out, "avcC", [&](util::ByteWriter& b) { b.bytes(t.extradata); });
    });
}

// AudioSampleEntry (§12.2.3.2). samplerate is 16.16, so rates above 65535 Hz cannot be said
// here; the decoder reads the real rate from the ASC / dOps.
void audio_entry_header(util::ByteWriter& w, const media::TrackInfo& t, std::uint32_t rate) {
    sample_entry_header(w);
    w.u32(0);
    w.u32(0);
    w.u16(static_cast<std::uint16_t>(t.channels == 0 ? 2 : t.channels));
    w.u16(16);  // samplesize
    w.u16(0);
    w.u16(0);
    w.u32(rate <= 0xFFFF ? rate << 16 : 0);
}

// Tag byte + length field + body.
std::uint32_t descriptor_size(std::uint32_t body) {
    std::uint32_t n = 1;
    while (n < 4 && (body >> (7 * n)) != 0)
        ++n;
    return 1 + n + body;
}

void mp4a(Bytes& out, const media::TrackInfo& t) {
    const std::uint32_t rate = t.sample_rate != 0 ? t.sample_rate : t.timescale;
    box(out, "mp4a", [&](util::ByteWriter& w) {
        audio_entry_header(w, t, rate);
        // 14496-14 §3.1.2 esds; descriptors from 14496-1 §7.2.6.
        const auto asc_len = static_cast<std::uint32_t>(t.extradata.size());
        const std::uint32_t dcd_body = 13 + descriptor_size(asc_len);     // OTI..avgBitrate: 13
        const std::uint32_t es_body = 3 + descriptor_size(dcd_body) + 3;  // + SLConfig 06 01 02
        full_box(out, "esds", 0, 0, [&](util::ByteWriter& e) {
            e.u8(0x03);
            write_descriptor_length(e, es_body);
            e.u16(0);  // ES_ID
            e.u8(0);   // no stream dependence, URL or OCR
            e.u8(0x04);
            write_descriptor_length(e, dcd_body);
            e.u8(0x40);  // objectTypeIndication: Audio ISO/IEC 14496-3
            e.u8(0x15);  // streamType 5 (audio) << 2 | upStream 0 | reserved 1
            e.u24(0);    // bufferSizeDB: unknown
            e.u32(t.bitrate);
            e.u32(t.bitrate);
            e.u8(0x05);
            write_descriptor_length(e, asc_len);
            e.bytes(t.extradata);
            e.u8(0x06);  // SLConfigDescriptor, predefined = 2 (reserved for MP4 files)
            e.u8(0x01);
            e.u8(0x02);
        });
    });
}

void opus(Bytes& out, const media::TrackInfo& t) {
    box(out, "Opus", [&](util::ByteWriter& w) {
        // Opus in ISOBMFF §4.3: the entry's rate is always 48000.
        audio_entry_header(w, t, 48000);
        box(out, "dOps", [&](util::ByteWriter& d) { d.bytes(t.extradata); });
    });
}

}  // namespace

void write_descriptor_length(util::ByteWriter& w, std::uint32_t length) {
    int groups = 1;
    while (groups < 4 && (length >> (7 * groups)) != 0)
        ++groups;
    for (int i = groups - 1; i >= 0; --i) {
        auto b = static_cast<std::uint8_t>((length >> (7 * i)) & 0x7F);
        w.u8(i > 0 ? (b | 0x80) : b);
    }
}

void write_sample_entry(Bytes& out, const media::TrackInfo& track) {
    switch (track.codec) {
        case media::Codec::h264:
            avc1(out, track);
            return;
        case media::Codec::aac:
            mp4a(out, track);
            return;
        case media::Codec::opus:
            opus(out, track);
            return;
    }
}

}  // namespace nchat::hls::detail
