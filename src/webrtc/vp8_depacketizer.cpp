#include "webrtc/vp8_depacketizer.hpp"

#include "util/byte_reader.hpp"
#include "webrtc/limits.hpp"

namespace nchat::webrtc {
namespace {

struct Descriptor {
    bool start = false;          // S
    std::uint8_t partition = 0;  // PID
    std::size_t size = 0;        // bytes before the VP8 payload
};

// §4.2: X R N S R PID | I L T K RSV | M PictureID(7 or 15) | TL0PICIDX | TID Y KEYIDX.
std::optional<Descriptor> parse_descriptor(std::span<const std::uint8_t> payload) {
    util::ByteReader in(payload);
    std::uint8_t b0 = 0;
    if (!in.read_u8(b0)) return std::nullopt;
    Descriptor d;
    d.start = (b0 & 0x10) != 0;
    d.partition = b0 & 0x07;
    if (b0 & 0x80) {
        std::uint8_t x = 0;
        if (!in.read_u8(x)) return std::nullopt;
        if (x & 0x80) {  // I: PictureID, M says 15 bits
            std::uint8_t pid = 0;
            if (!in.read_u8(pid)) return std::nullopt;
            if ((pid & 0x80) && !in.skip(1)) return std::nullopt;
        }
        if ((x & 0x40) && !in.skip(1)) return std::nullopt;  // L: TL0PICIDX
        if ((x & 0x30) && !in.skip(1)) return std::nullopt;  // T or K: TID Y KEYIDX
    }
    d.size = in.position();
    return d;
}

std::uint32_t le14(std::span<const std::uint8_t> b) {
    return (std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8) & 0x3FFF;
}

}  // namespace

std::optional<DepacketizedFrame> Vp8Depacketizer::push(const RtpPacket& p, bool gap_before) {
    const auto payload = p.payload();
    if (in_frame_ && p.timestamp != timestamp_) {
        ++counters_.dropped_incomplete;  // the previous frame lost its end
        needs_keyframe_ = true;
        reset();
    }
    if (gap_before) {
        // Lost packets: a frame in progress is broken; a frame starting here is whole, but
        // what it references may be gone.
        if (in_frame_) broken_ = true;
        needs_keyframe_ = true;
    }
    const auto d = parse_descriptor(payload);
    if (!d) {
        ++counters_.malformed;
        if (in_frame_) broken_ = true;
        if (p.marker && in_frame_) return finish();
        return std::nullopt;
    }
    const auto data = payload.subspan(d->size);
    if (d->start && d->partition == 0) {
        if (in_frame_) {
            ++counters_.dropped_incomplete;  // a new start under the same timestamp
            needs_keyframe_ = true;
            reset();
        }
        in_frame_ = true;
        timestamp_ = p.timestamp;
        // RFC 7741 §4.3 / RFC 6386 §9.1: frame tag, P=0 for a keyframe, which goes on with
        // the start code 9D 01 2A and the 14-bit width and height.
        if (data.empty()) {
            ++counters_.malformed;
            broken_ = true;
        } else if ((data[0] & 0x01) == 0) {
            if (data.size() < 10 || data[3] != 0x9D || data[4] != 0x01 || data[5] != 0x2A) {
                ++counters_.malformed;
                broken_ = true;
            } else {
                frame_.keyframe = true;
                frame_.width = le14(data.subspan(6));
                frame_.height = le14(data.subspan(8));
            }
        }
    } else if (!in_frame_) {
        in_frame_ = true;  // its start is gone: collect nothing, drop it at the marker
        broken_ = true;
        timestamp_ = p.timestamp;
    }
    if (!broken_) {
        if (frame_.data.size() + data.size() > limits::kMaxFrameBytes) {
            broken_ = true;
        } else {
            frame_.data.insert(frame_.data.end(), data.begin(), data.end());
        }
    }
    if (p.marker) return finish();
    return std::nullopt;
}

std::optional<DepacketizedFrame> Vp8Depacketizer::finish() {
    std::optional<DepacketizedFrame> out;
    if (broken_) {
        ++counters_.dropped_incomplete;
        needs_keyframe_ = true;
    } else if (needs_keyframe_ && !frame_.keyframe) {
        ++counters_.dropped_need_keyframe;
    } else {
        if (frame_.keyframe) needs_keyframe_ = false;
        ++counters_.frames;
        frame_.rtp_timestamp = timestamp_;
        out = std::move(frame_);
    }
    reset();
    return out;
}

void Vp8Depacketizer::reset() {
    in_frame_ = broken_ = false;
    frame_ = {};
}

}  // namespace nchat::webrtc
