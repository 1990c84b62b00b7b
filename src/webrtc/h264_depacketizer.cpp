#include "webrtc/h264_depacketizer.hpp"

#include "util/byte_reader.hpp"
#include "webrtc/limits.hpp"

namespace nchat::webrtc {
namespace {

// RFC 6184 §5.2, Table 1 and H.264 Table 7-1.
constexpr std::uint8_t kNalIdr = 5;
constexpr std::uint8_t kNalSps = 7;
constexpr std::uint8_t kNalPps = 8;
constexpr std::uint8_t kNalAud = 9;
constexpr std::uint8_t kStapA = 24;
constexpr std::uint8_t kFuA = 28;

void append_avcc4(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> nal) {
    util::ByteWriter w(out);
    w.u32(static_cast<std::uint32_t>(nal.size()));
    w.bytes(nal);
}

}  // namespace

std::optional<DepacketizedFrame> H264Depacketizer::push(const RtpPacket& p, bool gap_before) {
    if (in_au_ && p.timestamp != timestamp_) {
        // A new timestamp without the marker: the previous access unit lost its end.
        ++counters_.dropped_incomplete;
        needs_keyframe_ = true;
        reset();
    }
    if (!in_au_) {
        in_au_ = true;
        timestamp_ = p.timestamp;
    }
    if (gap_before) {
        // The lost packets may hold the start of this access unit or the end of the last:
        // either way what follows cannot be trusted until it closes.
        broken_ = true;
        in_fu_ = false;
        fu_.clear();
    }
    const auto payload = p.payload();
    if (!payload.empty()) {
        if (payload[0] & 0x80) {  // forbidden_zero_bit (§5.3)
            ++counters_.malformed;
            broken_ = true;
        } else {
            const std::uint8_t type = payload[0] & 0x1F;
            if (type >= 1 && type <= 23) {
                add_nal(payload);
            } else if (type == kStapA) {
                handle_stap_a(payload);
            } else if (type == kFuA) {
                handle_fu_a(payload);
            } else if (type >= 25 && type <= 29) {
                // STAP-B, MTAP16/24, FU-B: interleaved mode, which we never negotiate.
                ++counters_.unsupported;
                broken_ = true;
            } else {
                ++counters_.unsupported;  // 0, 30, 31: undefined, ignored (§5.2)
            }
        }
    }
    if (p.marker) return finish();
    return std::nullopt;
}

void H264Depacketizer::add_nal(std::span<const std::uint8_t> nal) {
    if (nal.empty()) {
        ++counters_.malformed;
        broken_ = true;
        return;
    }
    const std::uint8_t type = nal[0] & 0x1F;
    if (type == kNalAud) return;  // the AVCC access unit has no delimiters
    // A parameter set is whole even in a broken access unit: keep it for the avcC record.
    if ((type == kNalSps || type == kNalPps) && nal.size() <= limits::kMaxParameterSet) {
        (type == kNalSps ? sps_ : pps_).assign(nal.begin(), nal.end());
    }
    if (broken_) return;
    if (au_.size() + 4 + nal.size() > limits::kMaxFrameBytes ||
        nal_count_ >= limits::kMaxNalsPerAccessUnit) {
        broken_ = true;
        return;
    }
    if (type >= 1 && type <= kNalIdr) has_slice_ = true;
    if (type == kNalIdr) has_idr_ = true;
    append_avcc4(au_, nal);
    ++nal_count_;
}

void H264Depacketizer::handle_stap_a(std::span<const std::uint8_t> payload) {
    // §5.7.1: STAP-A header, then {u16 size, NAL unit}...
    util::ByteReader in(payload.subspan(1));
    if (in.empty()) {
        ++counters_.malformed;
        broken_ = true;
        return;
    }
    while (!in.empty()) {
        std::uint16_t size = 0;
        std::span<const std::uint8_t> nal;
        if (!in.read_u16(size) || size == 0 || !in.read_bytes(size, nal)) {
            ++counters_.malformed;
            broken_ = true;
            return;
        }
        add_nal(nal);
    }
}

void H264Depacketizer::handle_fu_a(std::span<const std::uint8_t> payload) {
    // §5.8: FU indicator (F NRI 28), FU header (S E R Type), fragment.
    if (payload.size() < 3) {
        ++counters_.malformed;
        broken_ = true;
        return;
    }
    const std::uint8_t indicator = payload[0];
    const std::uint8_t header = payload[1];
    const bool start = (header & 0x80) != 0;
    const bool end = (header & 0x40) != 0;
    const auto fragment = payload.subspan(2);
    if (start && end) {  // §5.8: a NAL unit in one fragment must not be sent as FU-A
        ++counters_.malformed;
        broken_ = true;
        return;
    }
    if (start) {
        if (in_fu_) broken_ = true;  // the previous fragmented NAL never ended
        fu_.assign(1, static_cast<std::uint8_t>((indicator & 0xE0) | (header & 0x1F)));
        in_fu_ = true;
    } else if (!in_fu_) {
        broken_ = true;  // a middle or end without its start
        return;
    }
    if (fu_.size() + fragment.size() > limits::kMaxFrameBytes) {
        broken_ = true;
        in_fu_ = false;
        fu_.clear();
        return;
    }
    fu_.insert(fu_.end(), fragment.begin(), fragment.end());
    if (end) {
        add_nal(fu_);
        in_fu_ = false;
        fu_.clear();
    }
}

std::optional<DepacketizedFrame> H264Depacketizer::finish() {
    std::optional<DepacketizedFrame> out;
    if (in_fu_) broken_ = true;  // the marker came before the FU-A end
    if (broken_) {
        ++counters_.dropped_incomplete;
        needs_keyframe_ = true;
    } else if (!has_slice_) {
        // Parameter sets alone (some senders mark them): kept in sps()/pps(), nothing to play.
    } else if (needs_keyframe_ && (!has_idr_ || sps_.empty() || pps_.empty())) {
        ++counters_.dropped_need_keyframe;
    } else {
        if (has_idr_) needs_keyframe_ = false;
        ++counters_.frames;
        out.emplace();
        out->data = std::move(au_);
        out->rtp_timestamp = timestamp_;
        out->keyframe = has_idr_;
    }
    reset();
    return out;
}

void H264Depacketizer::reset() {
    in_au_ = broken_ = has_idr_ = has_slice_ = in_fu_ = false;
    nal_count_ = 0;
    au_.clear();
    fu_.clear();
}

}  // namespace nchat::webrtc
