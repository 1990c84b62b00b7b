#include "hls/segmenter.hpp"

#include <algorithm>
#include <cmath>

#include "hls/cmaf_writer.hpp"
#include "hls/detail/limits.hpp"

namespace nchat::hls {
namespace {

std::int64_t ms_to_ticks(std::chrono::milliseconds ms, std::uint32_t timescale) {
    return ms.count() * static_cast<std::int64_t>(timescale) / 1000;
}

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
    last_duration_ = f.duration;
    recent_durations_[recent_next_++ % recent_durations_.size()] = f.duration;
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

void Rendition::on_side(const media::MediaPacket& p) {
    const bool out_of_order = !side_queue_.empty() && p.dts <= side_queue_.back().dts;
    // Audio before the first keyframe has no part to go in; audio far ahead of video is cut.
    if ((!held_ && !segment_open_) || out_of_order ||
        side_queue_.size() >= limits::kMaxQueuedAudio) {
        ++stats_.dropped_packets;
        return;
    }
    side_queue_.push_back(p);
}

std::int64_t Rendition::to_us(std::int64_t dts) const {
    return dts * 1'000'000 / static_cast<std::int64_t>(tracks_[*main_].timescale);
}

std::optional<std::uint64_t> Rendition::segment_at(const media::MediaPacket& next) {
    std::optional<std::int64_t> open;
    if (segment_open_) open = to_us(segment_start_dts_);
    return timeline_->segment_start(to_us(next.dts), is_sync(next), open, must_start_);
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
    const std::int64_t t = to_us(first.packet.dts);
    const std::uint64_t msn =
        timeline_->segment_start(t, true, std::nullopt, must_start_).value_or(window_.next_msn);
    if (msn > window_.next_msn && !window_.segments.empty()) {
        // This rendition missed segments the others have (it was shed under load): msns in a
        // playlist cannot skip, so it starts over at the shared msn, after a discontinuity.
        window_.segments.clear();
        window_.first_listed = 0;
        pending_discontinuity_ = true;
    }
    if (msn > window_.next_msn || window_.segments.empty()) window_.next_msn = msn;
    must_start_ = false;
    Segment s;
    s.msn = window_.next_msn;
    s.start = window_.end;
    s.discontinuity = pending_discontinuity_;
    if (pending_discontinuity_) ++discontinuity_sequence_;
    s.discontinuity_sequence = discontinuity_sequence_;
    s.init_generation = window_.init_generation;
    s.init = window_.init;
    s.program_date_time = timeline_->wall_clock(epoch_, t, first.wall);
    window_.segments.push_back(std::move(s));
    window_.next_part = 0;
    pending_discontinuity_ = false;
    segment_open_ = true;
    segment_start_dts_ = first.packet.dts;
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
        const std::uint32_t ts = tracks_[*main_].timescale;
        const media::TrackInfo& t = tracks_[*main_];
        f.duration = last_duration_ != 0        ? last_duration_
                     : t.samples_per_frame != 0 ? t.samples_per_frame
                     : t.frame_rate > 0         ? std::llround(ts / t.frame_rate)
                                                : ts / 30;
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
    flush();
    ++window_.init_generation;
    set_tracks(std::move(tracks));
    pending_discontinuity_ = true;
    must_start_ = true;
    // The new publisher's timestamps need not continue the old ones: a new epoch (offset and
    // PROGRAM-DATE-TIME anchor).
    ++epoch_;
}

void Rendition::finish() {
    if (window_.ended) return;
    flush();
    window_.ended = true;
}

}  // namespace nchat::hls
