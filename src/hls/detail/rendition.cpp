#include "hls/detail/rendition.hpp"

#include <algorithm>
#include <cmath>

#include "hls/detail/cmaf_writer.hpp"
#include "hls/detail/limits.hpp"
#include "media/h264.hpp"

namespace nchat::hls {
namespace {

std::int64_t ms_to_ticks(std::chrono::milliseconds ms, std::uint32_t timescale) {
    return ms.count() * static_cast<std::int64_t>(timescale) / 1000;
}

// Frame times of two renditions of one source agree exactly; this absorbs timescale rounding.
constexpr std::int64_t kSameFrameUs = 2000;

FragmentSample sample_of(const media::MediaPacket& p, std::int64_t duration, bool sync) {
    // Keep PTS >= DTS (ossrs/srs#809): a negative offset from a broken encoder becomes 0.
    const std::int64_t cto = std::max<std::int64_t>(0, p.pts - p.dts);
    return {static_cast<std::uint32_t>(duration), sync ? kSyncSampleFlags : kNonSyncSampleFlags,
            static_cast<std::int32_t>(std::min<std::int64_t>(cto, INT32_MAX)), *p.data};
}

}  // namespace

Rendition::Rendition(std::vector<media::TrackInfo> tracks,
                     RenditionConfig config,
                     std::shared_ptr<Timeline> timeline)
    : config_(config), timeline_(std::move(timeline)) {
    if (!timeline_) {
        timeline_ = std::make_shared<Timeline>(
            config_.segment_target,
            std::chrono::milliseconds(static_cast<long>(limits::kMaxSegmentSeconds * 1000)));
    }
    window_.part_target = config_.part_target;
    window_.target_duration = static_cast<std::uint32_t>(
        std::max<long>(1, std::lround(config_.segment_target.count() / 1000.0)));
    // A rendition made mid-stream (a re-plan) numbers periods and discontinuities like the
    // renditions that saw them (§6.2.4: matching discontinuity sequence numbers).
    epoch_ = timeline_->latest_epoch();
    discontinuity_sequence_ = epoch_;
    set_tracks(std::move(tracks));
}

void Rendition::set_tracks(std::vector<media::TrackInfo> tracks) {
    tracks_ = std::move(tracks);
    main_.reset();
    side_.reset();
    for (std::size_t i = 0; i < tracks_.size(); ++i) {
        if (tracks_[i].kind == media::TrackKind::video && !main_) main_ = i;
    }
    for (std::size_t i = 0; i < tracks_.size(); ++i) {
        if (tracks_[i].kind != media::TrackKind::audio) continue;
        if (!main_) {
            main_ = i;
        } else if (!side_ && tracks_[*main_].kind == media::TrackKind::video) {
            side_ = i;
        }
    }
    const std::uint32_t ts = main_ ? tracks_[*main_].timescale : 90000;
    part_target_ticks_ = ms_to_ticks(config_.part_target, ts);
    window_.init = std::make_shared<const std::vector<std::uint8_t>>(make_init_segment(tracks_));
}

void Rendition::push(const media::MediaPacket& p, util::Time wall) {
    if (window_.ended || !p.data || p.dts < 0 || p.track >= tracks_.size()) {
        ++stats_.dropped_packets;
        return;
    }
    if (main_ && p.track == *main_) {
        on_main(p, wall);
    } else if (side_ && p.track == *side_) {
        on_side(p);
    } else {
        ++stats_.dropped_packets;
    }
}

bool Rendition::is_sync(const media::MediaPacket& p) const {
    return p.keyframe || tracks_[p.track].kind == media::TrackKind::audio;
}

void Rendition::on_main(const media::MediaPacket& p, util::Time wall) {
    if (gap_ && !leave_gap(p, wall)) {
        ++stats_.dropped_packets;
        return;
    }
    sniff_keyframe_interval(p);
    if (!held_) {
        // A playlist starts on a keyframe (App. B.1: an independent frame in every segment),
        // and, beside other renditions, on one of the timeline's segment boundaries.
        if (!segment_open_ && !segment_at(p)) {
            ++stats_.dropped_packets;
            return;
        }
        held_ = Frame{p, 0, wall};
        return;
    }
    if (p.dts <= held_->packet.dts) {
        ++stats_.dropped_packets;
        return;
    }
    // Hold back one frame: the frame before `p` now knows its duration (protocols.md §3).
    Frame f = std::move(*held_);
    f.duration = p.dts - f.packet.dts;
    if (f.duration > part_target_ticks_ && last_duration_ != 0 && f.duration > 4 * last_duration_) {
        // A hole in the timestamps (frames lost before they reached us, a rung that stopped):
        // the frame before it lasts as long as the ones before, so no part outlasts
        // PART-TARGET (§4.4.4.9, a MUST); the next part's tfdt says where media resumes. A
        // source that is slow throughout (a still screen at 1 fps) keeps its real durations.
        ++stats_.timestamp_holes;
        f.duration = last_duration_;
    } else {
        last_duration_ = f.duration;
        recent_durations_[recent_next_++ % recent_durations_.size()] = f.duration;
    }
    held_ = Frame{p, 0, wall};
    append(std::move(f));
    // Close the part as soon as the next frame cannot fit or starts a segment: the part is
    // listed one frame earlier than waiting for it. The next frame's duration is guessed as
    // the shortest of the last few: a 24 fps rung of a 30 fps source has frames 33 or 67 ms
    // apart, and guessing 67 after a dropped frame cut its parts at 0.3 s (7 per segment where
    // the 30 fps renditions have 6), so part indices differed between renditions and a player
    // switching with a RENDITION-REPORT's part index waited for a part that never came.
    // Guessing short only delays this early close; append() still keeps every part within
    // PART-TARGET with the real duration.
    std::int64_t guess = last_duration_;
    for (auto d : recent_durations_) {
        if (d > 0 && d < guess) guess = d;
    }
    const bool next_starts_segment = segment_at(held_->packet).has_value();
    if (next_starts_segment || part_ticks_ + guess > part_target_ticks_) {
        close_part(held_->packet.dts, next_starts_segment);
    }
}

void Rendition::sniff_keyframe_interval(const media::MediaPacket& p) {
    const media::TrackInfo& t = tracks_[*main_];
    if (pending_keyint_ && held_ && p.dts > held_->packet.dts) {
        // The frame rate from the first two frames when the metadata did not say.
        const double frame_us = static_cast<double>(to_us(p.dts - held_->packet.dts));
        timeline_->announce_keyframe_interval(std::llround(*pending_keyint_ * frame_us));
        pending_keyint_.reset();
    }
    if (sniffed_ || !p.keyframe || t.kind != media::TrackKind::video ||
        t.codec != media::Codec::h264) {
        return;
    }
    sniffed_ = true;
    // An encoder of ours says keyint=infinite (its IDRs are forced): nothing to announce.
    const auto keyint = media::x264_keyint(*p.data);
    if (!keyint || *keyint <= 0) return;
    if (t.frame_rate > 0) {
        timeline_->announce_keyframe_interval(std::llround(*keyint * 1e6 / t.frame_rate));
    } else {
        pending_keyint_ = keyint;
    }
}

void Rendition::refresh_target_duration() {
    window_.target_duration = std::max(window_.target_duration, timeline_->target_duration());
}

void Rendition::on_side(const media::MediaPacket& p) {
    const bool out_of_order = !side_queue_.empty() && p.dts <= side_queue_.back().dts;
    // Audio before the first keyframe has no part to go in (nor has a gap); audio far ahead of
    // video is cut.
    if (gap_ || (!held_ && !segment_open_) || out_of_order ||
        side_queue_.size() >= limits::kMaxQueuedAudio) {
        ++stats_.dropped_packets;
        return;
    }
    side_queue_.push_back(p);
}

std::int64_t Rendition::to_us(std::int64_t ticks) const {
    return ticks * 1'000'000 / static_cast<std::int64_t>(tracks_[*main_].timescale);
}

std::int64_t Rendition::timeline_us(const media::MediaPacket& p) const {
    return to_us(is_sync(p) ? std::max(p.pts, p.dts) : p.dts);
}

std::int64_t Rendition::nominal_duration() const {
    const media::TrackInfo& t = tracks_[*main_];
    return t.samples_per_frame != 0 ? t.samples_per_frame
           : t.frame_rate > 0       ? std::llround(t.timescale / t.frame_rate)
                                    : t.timescale / 30;
}

std::optional<std::uint64_t> Rendition::segment_at(const media::MediaPacket& next) {
    std::optional<std::int64_t> open;
    if (segment_open_) open = segment_start_us_;
    return timeline_->segment_start(timeline_us(next), is_sync(next), open, must_start_);
}

void Rendition::append(Frame f) {
    if (segment_open_ && !part_.empty()) {
        const bool new_segment = segment_at(f.packet).has_value();
        // rfc8216bis §4.4.4.9: a part's DURATION must not exceed PART-TARGET.
        if (new_segment || part_ticks_ + f.duration > part_target_ticks_ ||
            part_.size() >= limits::kMaxPartSamples) {
            close_part(f.packet.dts, new_segment);
        }
    }
    if (!segment_open_) open_segment(f);
    part_ticks_ += f.duration;
    part_.push_back(std::move(f));
}

void Rendition::open_segment(const Frame& first) {
    const std::int64_t t = timeline_us(first.packet);
    const std::uint64_t msn =
        timeline_->segment_start(t, true, std::nullopt, must_start_).value_or(window_.next_msn);
    if (msn > window_.next_msn && !window_.segments.empty()) {
        // This rendition missed segments its siblings have (it had no media then: a late
        // start after a reconnect, an encoder that stalled). Msns in a playlist cannot skip
        // (§6.2.1): when its last segment ended where the missed ones begin, they become GAP
        // segments; if that segment ran on past them, the window starts over after a
        // discontinuity.
        const Segment& last = window_.segments.back();
        const auto missed_from = timeline_->boundary_time(last.msn + 1);
        const auto last_end = last.t_us + std::llround(last.duration * 1e6);
        if (missed_from && last_end <= *missed_from + kSameFrameUs) {
            fill_gap_to(msn, first.wall);
        } else {
            window_.segments.clear();
            window_.first_listed = 0;
            restarted_ = true;
        }
    }
    if (msn > window_.next_msn || window_.segments.empty()) window_.next_msn = msn;
    must_start_ = false;
    Segment s;
    s.msn = window_.next_msn;
    s.epoch = epoch_;
    s.t_us = t;
    s.program_date_time = timeline_->wall_clock(epoch_, t, first.wall);
    append_segment(std::move(s));
    segment_start_us_ = t;
}

void Rendition::append_segment(Segment s) {
    s.start = window_.end;
    s.discontinuity = (has_previous_ && s.epoch != last_epoch_) || restarted_;
    if (s.discontinuity) ++discontinuity_sequence_;
    s.discontinuity_sequence = discontinuity_sequence_;
    s.init_generation = window_.init_generation;
    s.init = window_.init;
    window_.segments.push_back(std::move(s));
    window_.next_part = 0;
    restarted_ = false;
    has_previous_ = true;
    last_epoch_ = window_.segments.back().epoch;
    segment_open_ = true;
}

Segment& Rendition::open_gap_segment(std::uint64_t msn,
                                     std::int64_t t_us,
                                     std::uint32_t epoch,
                                     util::Time program_date_time) {
    if (msn > window_.next_msn || window_.segments.empty()) window_.next_msn = msn;
    Segment s;
    s.msn = window_.next_msn;
    s.epoch = epoch;
    s.t_us = t_us;
    s.program_date_time = program_date_time;
    append_segment(std::move(s));
    segment_start_us_ = t_us;
    return window_.segments.back();
}

void Rendition::add_gap_part(double duration) {
    refresh_target_duration();
    Segment& seg = window_.segments.back();
    Part part;
    part.duration = duration;
    part.gap = true;
    seg.duration += duration;
    seg.gap = true;
    seg.parts.push_back(std::move(part));
    window_.end += duration;
    ++window_.next_part;
    ++stats_.parts;
    ++stats_.gap_parts;
}

void Rendition::fill_gap_to(std::uint64_t msn, util::Time wall) {
    const double part_target = config_.part_target.count() / 1000.0;
    const double nominal = config_.segment_target.count() / 1000.0;
    while (window_.next_msn < msn) {
        if (!segment_open_) {
            const auto t = timeline_->boundary_time(window_.next_msn);
            const std::int64_t t_us = t ? *t : segment_start_us_ + std::llround(nominal * 1e6);
            open_gap_segment(window_.next_msn, t_us, epoch_,
                             timeline_->wall_clock(epoch_, t_us, wall));
        }
        const Segment& seg = window_.segments.back();
        const auto start = timeline_->boundary_time(seg.msn);
        const auto end = timeline_->boundary_time(seg.msn + 1);
        double left =
            (start && end ? static_cast<double>(*end - *start) / 1e6 : nominal) - seg.duration;
        while (left > 0.0005) {
            const double d = std::min(left, part_target);
            add_gap_part(d);
            left -= d;
        }
        complete_segment();
    }
    slide();
}

bool Rendition::fill_gap(const Window& sibling) {
    if (!gap_ || window_.ended) return false;
    const std::uint64_t before_msn = window_.next_msn;
    const std::uint32_t before_part = window_.next_part;
    // Far behind the sibling's window: what it no longer holds comes from the timeline.
    if (!sibling.segments.empty() && window_.next_msn < sibling.segments.front().msn) {
        fill_gap_to(sibling.segments.front().msn, sibling.segments.front().program_date_time);
    }
    for (;;) {
        const Segment* theirs = find_segment(sibling, window_.next_msn);
        if (theirs == nullptr) break;
        if (!segment_open_) {
            if (theirs->parts.empty()) break;
            open_gap_segment(theirs->msn, theirs->t_us, theirs->epoch, theirs->program_date_time);
        }
        while (window_.next_part < theirs->parts.size())
            add_gap_part(theirs->parts[window_.next_part].duration);
        if (!theirs->complete) break;
        complete_segment();
    }
    const bool changed = window_.next_msn != before_msn || window_.next_part != before_part;
    if (changed) slide();
    return changed;
}

void Rendition::start_gap() {
    if (window_.ended || gap_) return;
    // Shed at a boundary (the transcoder sheds at an IDR): the frame held back is the last of
    // its segment, which ends all media rather than one part short, a GAP as a whole.
    if (held_ && segment_open_) {
        const auto next = timeline_->boundary_time(window_.segments.back().msn + 1);
        const std::int64_t d_us = to_us(last_duration_ != 0 ? last_duration_ : nominal_duration());
        if (next && std::llabs(timeline_us(held_->packet) + d_us - *next) <= d_us / 2) flush();
    }
    // What is held back never makes a part: the part it would have been is a gap like the rest.
    stats_.dropped_packets += part_.size() + (held_ ? 1 : 0) + side_queue_.size();
    held_.reset();
    part_.clear();
    part_ticks_ = 0;
    side_queue_.clear();
    last_duration_ = 0;
    recent_durations_.fill(0);
    side_last_duration_ = 0;
    gap_ = true;
    window_.gap = true;
}

bool Rendition::leave_gap(const media::MediaPacket& p, util::Time wall) {
    if (!is_sync(p)) return false;
    // On a boundary by the usual rule: a discontinuity met while in the gap does not force one
    // (the siblings with media already started the new period's first segment).
    const auto msn = timeline_->segment_start(timeline_us(p), true, std::nullopt, false);
    // Media comes back only on a boundary this window has not yet filled with gap parts.
    if (!msn || *msn < window_.next_msn) return false;
    if (*msn == window_.next_msn && segment_open_ && window_.next_part > 0) return false;
    if (segment_open_ && window_.next_part == 0) {
        // An open gap segment with no part yet: media takes its place.
        window_.segments.pop_back();
        segment_open_ = false;
    }
    fill_gap_to(*msn, wall);
    gap_ = false;
    window_.gap = false;
    return true;
}

std::vector<media::MediaPacket> Rendition::take_side_frames(std::int64_t end_dts) {
    std::vector<media::MediaPacket> taken;
    if (!side_) return taken;
    const auto main_ts = static_cast<std::int64_t>(tracks_[*main_].timescale);
    const auto side_ts = static_cast<std::int64_t>(tracks_[*side_].timescale);
    while (!side_queue_.empty() && side_queue_.front().dts * main_ts < end_dts * side_ts &&
           taken.size() < limits::kMaxPartSamples) {
        taken.push_back(std::move(side_queue_.front()));
        side_queue_.pop_front();
    }
    return taken;
}

void Rendition::close_part(std::int64_t end_dts, bool ends_segment) {
    refresh_target_duration();
    const media::TrackInfo& main = tracks_[*main_];
    std::vector<FragmentTrack> tracks;
    FragmentTrack& m = tracks.emplace_back();
    m.track_id = static_cast<std::uint32_t>(*main_ + 1);
    m.base_decode_time = static_cast<std::uint64_t>(part_.front().packet.dts);
    for (const auto& f : part_)
        m.samples.push_back(sample_of(f.packet, f.duration, is_sync(f.packet)));

    // Audio beside video: every frame that starts before the part's end. The last one's
    // duration comes from the next queued frame, else the codec's frame size.
    const std::vector<media::MediaPacket> side = take_side_frames(end_dts);
    if (!side.empty()) {
        const media::TrackInfo& a = tracks_[*side_];
        const std::int64_t nominal = a.samples_per_frame != 0   ? a.samples_per_frame
                                     : side_last_duration_ != 0 ? side_last_duration_
                                                                : 1024;
        FragmentTrack& s = tracks.emplace_back();
        s.track_id = static_cast<std::uint32_t>(*side_ + 1);
        s.base_decode_time = static_cast<std::uint64_t>(side.front().dts);
        for (std::size_t i = 0; i < side.size(); ++i) {
            const media::MediaPacket* next = i + 1 < side.size()   ? &side[i + 1]
                                             : side_queue_.empty() ? nullptr
                                                                   : &side_queue_.front();
            const std::int64_t d = next != nullptr ? next->dts - side[i].dts : nominal;
            side_last_duration_ = d;
            s.samples.push_back(sample_of(side[i], d, true));
        }
    }

    Part part;
    part.duration = static_cast<double>(part_ticks_) / main.timescale;
    part.independent = is_sync(part_.front().packet);
    part.bytes = std::make_shared<const std::vector<std::uint8_t>>(
        make_fragment(fragment_sequence_++, tracks));
    Segment& seg = window_.segments.back();
    seg.duration += part.duration;
    seg.parts.push_back(std::move(part));
    window_.end += seg.parts.back().duration;
    ++window_.next_part;
    ++stats_.parts;
    part_.clear();
    part_ticks_ = 0;
    if (ends_segment) complete_segment();
    slide();
}

void Rendition::complete_segment() {
    Segment& seg = window_.segments.back();
    seg.complete = true;
    segment_open_ = false;
    ++window_.next_msn;
    window_.next_part = 0;
    ++stats_.segments;
    // TARGETDURATION ≥ every EXTINF rounded to the nearest integer (§4.4.3.1). It only grows,
    // once, when a GOP turns out longer than the target: it cannot be known earlier.
    longest_segment_ = std::max(longest_segment_, seg.duration);
    window_.target_duration = std::max(window_.target_duration,
                                       static_cast<std::uint32_t>(std::lround(longest_segment_)));
}

void Rendition::slide() {
    const std::size_t complete = window_.segments.size() - (segment_open_ ? 1 : 0);
    std::size_t first_listed =
        complete > config_.window_segments ? complete - config_.window_segments : 0;
    // In a gap, the newest segment with media stays listed (and the gaps after it): Shaka
    // Player 5.2 rejects a media playlist whose every segment is EXT-X-GAP as a fatal
    // HLS_EMPTY_MEDIA_PLAYLIST, where a player should take a sibling. Bounded: after
    // kMaxGapSegmentsListed the window slides on as usual. Never back: what left stays gone.
    if (gap_) {
        for (std::size_t i = std::min(first_listed, complete); i-- > window_.first_listed;) {
            const Segment& s = window_.segments[i];
            if (s.complete && !s.gap) {
                if (complete - i <= limits::kMaxGapSegmentsListed) first_listed = i;
                break;
            }
        }
        // Nothing with media still listed: it keeps sliding like any window.
    }
    double listed = 0;
    for (std::size_t i = 0; i < window_.segments.size(); ++i) {
        Segment& s = window_.segments[i];
        if (i < first_listed && !s.removed_at) s.removed_at = window_.end;
        if (i >= first_listed) listed += s.duration;
    }
    // §6.2.2: a removed segment stays available for its duration plus the playlist's; its parts
    // (unlisted after 3×TD from the end) stay 3×TD more. Both bound memory to ~2 windows.
    const double parts_kept = 6.0 * window_.target_duration;
    while (first_listed > 0) {
        const Segment& s = window_.segments.front();
        const bool segment_expired = window_.end - *s.removed_at > s.duration + listed;
        const bool parts_expired = window_.end - (s.start + s.duration) > parts_kept;
        if (!segment_expired || !parts_expired) break;
        window_.segments.pop_front();
        --first_listed;
    }
    window_.first_listed = first_listed;
}

void Rendition::flush() {
    if (held_) {
        // Nothing follows the last frame: it lasts as long as the one before it.
        Frame f = std::move(*held_);
        held_.reset();
        f.duration = last_duration_ != 0 ? last_duration_ : nominal_duration();
        const std::int64_t end = f.packet.dts + f.duration;
        append(std::move(f));
        close_part(end, true);
    } else if (segment_open_) {
        complete_segment();  // its last part was closed eagerly
        slide();
    }
    side_queue_.clear();
    last_duration_ = 0;
    recent_durations_.fill(0);
    side_last_duration_ = 0;
}

void Rendition::discontinuity(std::vector<media::TrackInfo> tracks) {
    if (window_.ended) return;
    // In a gap the open segment is the siblings' (copied part by part): it ends where theirs
    // does, and the new period's discontinuity comes with their next segment.
    if (!gap_) flush();
    ++window_.init_generation;
    set_tracks(std::move(tracks));
    must_start_ = true;
    // The new publisher's timestamps need not continue the old ones: a new epoch (offset and
    // PROGRAM-DATE-TIME anchor). The first segment of a new epoch carries EXT-X-DISCONTINUITY.
    ++epoch_;
    timeline_->note_epoch(epoch_);
}

void Rendition::finish() {
    if (window_.ended) return;
    flush();
    window_.ended = true;
}

}  // namespace nchat::hls
