#include "hls/detail/playlist.hpp"

#include <algorithm>
#include <cstdio>

#include "hls/detail/resource.hpp"
#include "util/time.hpp"

namespace nchat::hls {
namespace {

std::string seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s);
    return buf;
}

// Exact decimal from whole milliseconds, so PART-TARGET reads exactly as configured.
std::string seconds(std::chrono::milliseconds ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms.count() / 1000),
                  static_cast<long long>(ms.count() % 1000));
    return buf;
}

// Segments at the head that a delta update may replace by EXT-X-SKIP: those ending at least
// CAN-SKIP-UNTIL before the end of the playlist (§6.2.5.1). Only complete ones.
std::size_t skippable(const Window& w, double skip_until) {
    std::size_t n = 0;
    for (std::size_t i = w.first_listed; i < w.segments.size(); ++i) {
        const Segment& s = w.segments[i];
        // Durations are sums of floating-point parts: allow 1 ms of rounding.
        if (!s.complete || w.end - (s.start + s.duration) < skip_until - 0.001) break;
        ++n;
    }
    return n;
}

// PART lines only where a part starts within 3×TD of the playlist's end (§6.2.2 SHOULD: a
// strict validator checks the oldest listed part), per whole segment: hls.js numbers a
// segment's parts by their order in the playlist, so listing a segment's tail would misnumber
// them. A player without LL-HLS skips PART lines.
bool lists_parts(const Window& w, const Segment& s) {
    return !s.complete || w.end - s.start <= 3.0 * w.target_duration + 0.001;
}

void segment_lines(std::string& out, const Window& w, std::size_t i, bool first_printed) {
    const Segment& s = w.segments[i];
    // A segment's DISCONTINUITY, MAP and PROGRAM-DATE-TIME go before its first PART (§4.4.4.9).
    if (s.discontinuity && i > w.first_listed) out += "#EXT-X-DISCONTINUITY\n";
    if (first_printed || s.init_generation != w.segments[i - 1].init_generation) {
        out += "#EXT-X-MAP:URI=\"" + init_uri(s.init_generation) + "\"\n";
    }
    out += "#EXT-X-PROGRAM-DATE-TIME:" + util::format_iso8601(s.program_date_time) + "\n";
    // A segment with a GAP part is a gap as a whole (§4.4.4.9: its parent MUST say EXT-X-GAP):
    // a player loading whole segments takes this stretch from a sibling. The tag applies to the
    // next segment URI, so it goes before the parts, and the open segment carries it too: Shaka
    // Player 5.2 then knows an open segment of gap parts is missing rather than taking it (it has
    // no URI yet) for a segment to probe, which stopped it from loading the stream.
    if (s.gap) out += "#EXT-X-GAP\n";
    if (lists_parts(w, s)) {
        for (std::size_t p = 0; p < s.parts.size(); ++p) {
            out += "#EXT-X-PART:DURATION=" + seconds(s.parts[p].duration);
            out += ",URI=\"" + part_uri(s.msn, static_cast<std::uint32_t>(p)) + "\"";
            if (s.parts[p].independent) out += ",INDEPENDENT=YES";
            if (s.parts[p].gap) out += ",GAP=YES";
            out += "\n";
        }
    }
    if (!s.complete) return;
    out += "#EXTINF:" + seconds(s.duration) + ",\n" + segment_uri(s.msn) + "\n";
}

}  // namespace

RenditionReport rendition_report(const Window& w, std::string uri) {
    // The last part of the previous segment rather than part 0 of the current one: hls.js
    // (1.7.4, `parseInt(LAST-PART) || previous.lastPartIndex`) reads LAST-PART=0 as missing and
    // blocks, after a switch, on the old rendition's part index (up to a whole segment: it
    // stalled playback for 1.9 s at start-up). One part older, and still a part that exists: a
    // client asking for the part after it gets part 0 at once (docs/hls.md).
    const Segment* previous = w.next_msn > 0 ? find_segment(w, w.next_msn - 1) : nullptr;
    const bool open_has_parts = w.next_part > 0;
    if ((!open_has_parts || w.next_part == 1) && previous && previous->complete &&
        !previous->parts.empty()) {
        return {std::move(uri), previous->msn,
                static_cast<std::uint32_t>(previous->parts.size() - 1)};
    }
    return {std::move(uri), w.next_msn, open_has_parts ? w.next_part - 1 : 0};
}

std::string media_playlist(const Window& w, const PlaylistRequest& req) {
    const std::uint32_t td = w.target_duration;
    const std::size_t skipped = req.skip && !w.ended ? skippable(w, 6.0 * td) : 0;
    const Segment* first =
        w.first_listed < w.segments.size() ? &w.segments[w.first_listed] : nullptr;
    std::string out;
    out.reserve(4096);
    out += "#EXTM3U\n";
    // §8: EXT-X-SKIP needs 9; every reload says the same (a delta update may follow any).
    out += "#EXT-X-VERSION:9\n";
    out += "#EXT-X-TARGETDURATION:" + std::to_string(td) + "\n";
    // PART-HOLD-BACK 3×PART-TARGET (§4.4.3.8 SHOULD); CAN-SKIP-UNTIL at its minimum, 6×TD.
    out +=
        "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=" + seconds(3 * w.part_target) +
        ",CAN-SKIP-UNTIL=" + std::to_string(6 * td) + "\n";
    out += "#EXT-X-PART-INF:PART-TARGET=" + seconds(w.part_target) + "\n";
    out += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(first ? first->msn : w.next_msn) + "\n";
    if (first && first->discontinuity_sequence != 0) {
        out +=
            "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(first->discontinuity_sequence) + "\n";
    }
    // After MEDIA-SEQUENCE and DISCONTINUITY-SEQUENCE (video-dev/hls.js#7554).
    if (skipped > 0) out += "#EXT-X-SKIP:SKIPPED-SEGMENTS=" + std::to_string(skipped) + "\n";
    for (std::size_t i = w.first_listed + skipped; i < w.segments.size(); ++i)
        segment_lines(out, w, i, i == w.first_listed + skipped);
    if (w.ended) {
        out += "#EXT-X-ENDLIST\n";  // and no PRELOAD-HINT with it (§4.4.5.3)
    } else if (!w.gap) {            // in a gap the next part will be one too: nothing to preload
        out += "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" + part_uri(w.next_msn, w.next_part) + "\"\n";
    }
    for (const auto& r : req.reports) {
        out += "#EXT-X-RENDITION-REPORT:URI=\"" + r.uri +
               "\",LAST-MSN=" + std::to_string(r.last_msn) +
               ",LAST-PART=" + std::to_string(r.last_part) + "\n";
    }
    return out;
}

Bandwidth measure_bandwidth(const Window& w) {
    Bandwidth b;
    double bits = 0;
    double duration = 0;
    for (const auto& s : w.segments) {
        if (!s.complete || s.gap || s.duration <= 0) continue;
        std::size_t bytes = 0;
        for (const auto& p : s.parts)
            bytes += p.bytes->size();
        b.peak = std::max(b.peak, static_cast<std::uint64_t>(bytes * 8.0 / s.duration));
        bits += bytes * 8.0;
        duration += s.duration;
    }
    if (duration > 0) b.average = static_cast<std::uint64_t>(bits / duration);
    return b;
}

std::string multivariant_playlist(const std::vector<Variant>& variants) {
    // BANDWIDTH is required (§4.4.6.2); before anything is measured, the declared bitrates,
    // and failing those a typical 720p figure so players still pick a variant.
    constexpr std::uint64_t kUnknownBandwidth = 2'500'000;
    std::string out = "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n";
    for (const auto& v : variants) {
        std::uint64_t declared = 0;
        std::string codecs;
        const media::TrackInfo* video = nullptr;
        for (const auto& t : v.tracks) {
            declared += t.bitrate;
            if (!codecs.empty()) codecs += ",";
            codecs += t.codec_string;
            if (t.kind == media::TrackKind::video && video == nullptr) video = &t;
        }
        const std::uint64_t fallback = declared != 0 ? declared : kUnknownBandwidth;
        const std::uint64_t peak = v.peak_bandwidth != 0 ? v.peak_bandwidth : fallback;
        const std::uint64_t average = v.average_bandwidth != 0 ? v.average_bandwidth : peak;
        out += "#EXT-X-STREAM-INF:BANDWIDTH=" + std::to_string(peak) +
               ",AVERAGE-BANDWIDTH=" + std::to_string(average) + ",CODECS=\"" + codecs + "\"";
        if (video != nullptr && video->width != 0 && video->height != 0) {
            out +=
                ",RESOLUTION=" + std::to_string(video->width) + "x" + std::to_string(video->height);
        }
        if (video != nullptr && video->frame_rate > 0)
            out += ",FRAME-RATE=" + seconds(video->frame_rate);
        out += "\n" + v.uri + "\n";
    }
    return out;
}

}  // namespace nchat::hls
