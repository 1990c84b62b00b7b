#include "webrtc/transport_cc.hpp"

#include <algorithm>

#include "webrtc/limits.hpp"

namespace nchat::webrtc {
namespace {

// §3.1.1 packet status symbols.
constexpr std::uint8_t kNotReceived = 0;
constexpr std::uint8_t kSmallDelta = 1;  // u8, 0..63.75 ms
constexpr std::uint8_t kLargeDelta = 2;  // s16, negative or larger
constexpr std::int64_t kDeltaUs = 250;
constexpr std::int64_t kReferenceUs = 64000;
constexpr std::size_t kRunMax = 0x1FFF;  // 13-bit run length

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

std::int64_t round_div(std::int64_t a, std::int64_t b) {
    return floor_div(a + b / 2, b);
}

std::uint8_t symbol_of(const std::optional<std::int16_t>& d) {
    if (!d) return kNotReceived;
    return (*d >= 0 && *d <= 255) ? kSmallDelta : kLargeDelta;
}

// §3.1.3-3.1.4: a run-length chunk for 14+ equal symbols, else a 1-bit vector of 14 when no
// large delta is among them, else a 2-bit vector of 7. Symbols past the end count as
// "not received" in a vector; status_count tells the reader where to stop.
void write_chunks(util::ByteWriter& w, const std::vector<std::uint8_t>& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t run = 1;
        while (i + run < s.size() && s[i + run] == s[i] && run < kRunMax)
            ++run;
        if (run >= 14) {
            w.u16(static_cast<std::uint16_t>(s[i] << 13 | run));
            i += run;
            continue;
        }
        const std::size_t n14 = std::min<std::size_t>(14, s.size() - i);
        const bool small_only = std::none_of(s.begin() + static_cast<std::ptrdiff_t>(i),
                                             s.begin() + static_cast<std::ptrdiff_t>(i + n14),
                                             [](auto x) { return x == kLargeDelta; });
        std::uint16_t chunk = 0x8000;
        if (small_only) {
            for (std::size_t k = 0; k < n14; ++k)
                chunk |= static_cast<std::uint16_t>(s[i + k] << (13 - k));
            i += n14;
        } else {
            chunk |= 0x4000;
            const std::size_t n7 = std::min<std::size_t>(7, s.size() - i);
            for (std::size_t k = 0; k < n7; ++k)
                chunk |= static_cast<std::uint16_t>(s[i + k] << (12 - 2 * k));
            i += n7;
        }
        w.u16(chunk);
    }
}

}  // namespace

util::Result<TransportFeedback> parse_transport_feedback(util::ByteReader& in,
                                                         std::uint32_t sender_ssrc,
                                                         std::uint32_t media_ssrc) {
    TransportFeedback tf;
    tf.sender_ssrc = sender_ssrc;
    tf.media_ssrc = media_ssrc;
    std::uint32_t ref = 0;
    if (!in.read_u16(tf.base_seq) || !in.read_u16(tf.status_count) || !in.read_u24(ref) ||
        !in.read_u8(tf.feedback_count)) {
        return rtp_error::malformed;
    }
    tf.reference_time = static_cast<std::int32_t>(ref << 8) >> 8;
    if (tf.status_count > limits::kMaxTwccStatuses) return rtp_error::too_large;
    std::vector<std::uint8_t> symbols;
    symbols.reserve(tf.status_count);
    while (symbols.size() < tf.status_count) {
        std::uint16_t chunk = 0;
        if (!in.read_u16(chunk)) return rtp_error::malformed;
        const std::size_t left = tf.status_count - symbols.size();
        if ((chunk & 0x8000) == 0) {
            const std::size_t run = std::min<std::size_t>(chunk & 0x1FFF, left);
            symbols.insert(symbols.end(), run, static_cast<std::uint8_t>((chunk >> 13) & 3));
        } else if (chunk & 0x4000) {
            for (std::size_t k = 0; k < std::min<std::size_t>(7, left); ++k)
                symbols.push_back(static_cast<std::uint8_t>((chunk >> (12 - 2 * k)) & 3));
        } else {
            for (std::size_t k = 0; k < std::min<std::size_t>(14, left); ++k)
                symbols.push_back(static_cast<std::uint8_t>((chunk >> (13 - k)) & 1));
        }
    }
    std::int64_t t = std::int64_t{tf.reference_time} * kReferenceUs;
    for (std::size_t i = 0; i < symbols.size(); ++i) {
        const auto seq = static_cast<std::uint16_t>(tf.base_seq + i);
        if (symbols[i] == kNotReceived) continue;
        if (symbols[i] == kSmallDelta) {
            std::uint8_t d = 0;
            if (!in.read_u8(d)) return rtp_error::malformed;
            t += d * kDeltaUs;
        } else if (symbols[i] == kLargeDelta) {
            std::uint16_t d = 0;
            if (!in.read_u16(d)) return rtp_error::malformed;
            t += static_cast<std::int16_t>(d) * kDeltaUs;
        } else {
            return rtp_error::malformed;  // 11 is reserved
        }
        tf.received.push_back({seq, t});
    }
    return tf;
}

std::vector<std::uint8_t> build_transport_feedback(
    std::uint32_t sender_ssrc,
    std::uint32_t media_ssrc,
    std::uint16_t base_seq,
    std::int32_t reference_time,
    std::uint8_t feedback_count,
    std::span<const std::optional<std::int16_t>> deltas) {
    std::vector<std::uint8_t> symbols;
    symbols.reserve(deltas.size());
    for (const auto& d : deltas)
        symbols.push_back(symbol_of(d));
    std::vector<std::uint8_t> out(4);  // the header, written last
    util::ByteWriter w(out);
    w.u32(sender_ssrc);
    w.u32(media_ssrc);
    w.u16(base_seq);
    w.u16(static_cast<std::uint16_t>(deltas.size()));
    w.u24(static_cast<std::uint32_t>(reference_time) & 0xFFFFFF);
    w.u8(feedback_count);
    write_chunks(w, symbols);
    for (const auto& d : deltas) {
        if (symbol_of(d) == kSmallDelta) w.u8(static_cast<std::uint8_t>(*d));
        if (symbol_of(d) == kLargeDelta) w.u16(static_cast<std::uint16_t>(*d));
    }
    const std::size_t pad = (4 - out.size() % 4) % 4;
    for (std::size_t i = 0; i < pad; ++i)
        w.u8(i + 1 == pad ? static_cast<std::uint8_t>(pad) : 0);
    const auto words = static_cast<std::uint16_t>(out.size() / 4 - 1);
    out[0] = static_cast<std::uint8_t>(0x80 | (pad ? 0x20 : 0) | 15);
    out[1] = 205;
    out[2] = static_cast<std::uint8_t>(words >> 8);
    out[3] = static_cast<std::uint8_t>(words);
    return out;
}

void TransportCcRecorder::record(std::uint16_t transport_seq, std::int64_t arrival_us) {
    const std::int64_t ext = unwrapper_.unwrap(transport_seq);
    if (!started_) {
        started_ = true;
        next_ = ext;
    } else if (!reported_ && ext < next_) {
        next_ = ext;  // reordered before the first feedback: nothing was said about it yet
    }
    if (ext < next_) {
        ++counters_.late;
        return;
    }
    ++counters_.recorded;
    arrivals_.emplace(ext, arrival_us);
    // Bound the range feedback will walk, not only the packets held: a jump ahead must not
    // make us report thousands of "not received".
    const std::int64_t highest = arrivals_.rbegin()->first;
    const auto span = static_cast<std::int64_t>(limits::kMaxTwccRecorded);
    if (highest - next_ >= span) {
        next_ = highest - span + 1;
        const auto keep = arrivals_.lower_bound(next_);
        counters_.forgotten += static_cast<std::uint64_t>(std::distance(arrivals_.begin(), keep));
        arrivals_.erase(arrivals_.begin(), keep);
    }
}

std::vector<std::vector<std::uint8_t>> TransportCcRecorder::take_feedback(
    std::uint32_t sender_ssrc, std::uint32_t media_ssrc) {
    std::vector<std::vector<std::uint8_t>> out;
    if (arrivals_.empty()) return out;
    const std::int64_t end = arrivals_.rbegin()->first;
    std::int64_t seq = next_;
    while (seq <= end) {
        // The reference time comes from the first received packet of this feedback.
        const auto first = arrivals_.lower_bound(seq);
        const std::int64_t ref = floor_div(first->second, kReferenceUs);
        std::int64_t t = ref * kReferenceUs;
        std::vector<std::optional<std::int16_t>> deltas;
        const std::int64_t base = seq;
        while (seq <= end && deltas.size() < limits::kMaxTwccPerFeedback) {
            const auto a = arrivals_.find(seq);
            if (a == arrivals_.end()) {
                deltas.emplace_back();
            } else {
                const std::int64_t d = round_div(a->second - t, kDeltaUs);
                if (d < INT16_MIN || d > INT16_MAX) break;  // next feedback, new reference
                deltas.emplace_back(static_cast<std::int16_t>(d));
                t += d * kDeltaUs;
            }
            ++seq;
        }
        out.push_back(
            build_transport_feedback(sender_ssrc, media_ssrc, static_cast<std::uint16_t>(base),
                                     static_cast<std::int32_t>(ref), feedback_count_++, deltas));
    }
    arrivals_.clear();
    next_ = end + 1;
    reported_ = true;
    return out;
}

}  // namespace nchat::webrtc
