#pragma once
// Cuts one rendition's packets into LL-HLS parts and segments (rfc8216bis §4.4.4.9, §6.2) and
// keeps the in-memory window the playlist and the origin read.
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "hls/detail/timeline.hpp"
#include "hls/detail/window.hpp"
#include "media/packet.hpp"
#include "media/track.hpp"

namespace nchat::hls {

struct RenditionConfig {
    // The longest a part may last (PART-TARGET). Parts hold whole frames and never exceed it
    // (AVPlayer drops a variant whose part outlasts PART-TARGET, v0l/zap-stream-core#98), so
    // the default is the smallest whole millisecond that still fits 10 frames at 29.97 fps
    // (333.67 ms) and 8 at 23.976 fps; it also fits RTMP's 33/34 ms timestamp jitter at 30 fps.
    // At 25 fps a part is 8 frames (320 ms, 96% of it); PART-HOLD-BACK is 3× = 1.002 s.
    std::chrono::milliseconds part_target{334};
    // A segment ends at the first keyframe at least this long after its start: with a longer
    // GOP segments follow the keyframes and TARGETDURATION says so.
    std::chrono::milliseconds segment_target{2000};
    // Complete segments listed (≥ 3×TD, §6.2). Twice CAN-SKIP-UNTIL (6×TD), so a delta update
    // (_HLS_skip) leaves out half of them; a player that paused a few seconds still finds
    // its place.
    std::size_t window_segments = 12;
};

struct RenditionStats {
    std::uint64_t dropped_packets = 0;  // before the first keyframe, out of order, unknown track
    std::uint64_t parts = 0;            // gap parts included
    std::uint64_t gap_parts = 0;
    std::uint64_t segments = 0;
    std::uint64_t timestamp_holes = 0;  // frames further apart than PART-TARGET (lost upstream)
};

// on stream strand. Packet `track` indexes the TrackInfo vector given here; dts/pts are in
// that track's timescale, one origin for all tracks, dts >= 0.
class Rendition {
public:
    // `timeline` is shared by the renditions of one stream (timeline.hpp); nullptr: its own.
    explicit Rendition(std::vector<media::TrackInfo> tracks,
                       RenditionConfig config = {},
                       std::shared_ptr<Timeline> timeline = nullptr);

    // `wall_clock` is when the packet was captured or received; the first packet of a segment
    // anchors EXT-X-PROGRAM-DATE-TIME (later segments follow the media clock).
    void push(const media::MediaPacket& packet, util::Time wall_clock);
    // Publisher reconnect or new codec config: ends the segment, next one gets
    // EXT-X-DISCONTINUITY and a new init segment (EXT-X-MAP).
    void discontinuity(std::vector<media::TrackInfo> tracks);
    // End of stream: flush what is held back; the playlist gets EXT-X-ENDLIST.
    void finish();

    // This rendition's media stops for a while (shed under load) while its siblings go on:
    // what is held back is dropped, and the window keeps advancing with GAP parts copied from
    // a sibling (fill_gap), so the playlist never freezes and part indices stay those of the
    // siblings. A keyframe on one of the timeline's boundaries brings media back, in the same
    // playlist: no reset, no discontinuity (rfc8216bis §4.4.4.7, §4.4.4.9 GAP).
    void start_gap();
    // In a gap: adds what `sibling` (a rendition of the same timeline with media) has beyond
    // this window's position, as GAP parts of the same durations. True when it added any.
    bool fill_gap(const Window& sibling);
    bool in_gap() const { return gap_; }

    const Window& window() const { return window_; }
    const std::vector<media::TrackInfo>& tracks() const { return tracks_; }
    const RenditionConfig& config() const { return config_; }
    const RenditionStats& stats() const { return stats_; }
    Timeline& timeline() { return *timeline_; }
    // Publishing periods so far: 0 until the first discontinuity.
    std::uint32_t epoch() const { return epoch_; }

private:
    struct Frame {
        media::MediaPacket packet;
        std::int64_t duration = 0;
        util::Time wall{};
    };

    void set_tracks(std::vector<media::TrackInfo> tracks);
    void on_main(const media::MediaPacket& p, util::Time wall);
    void on_side(const media::MediaPacket& p);
    void append(Frame f);
    bool is_sync(const media::MediaPacket& p) const;
    std::int64_t to_us(std::int64_t ticks) const;
    // Where a frame sits on the shared timeline: a keyframe by its presentation time, which is
    // the same in every rendition (an encoded rung has no B-frames, dts = pts; the source's
    // keyframe may have dts < pts), any other frame by its decode time.
    std::int64_t timeline_us(const media::MediaPacket& p) const;
    std::int64_t nominal_duration() const;  // of one main-track frame, in its timescale
    bool leave_gap(const media::MediaPacket& p, util::Time wall);
    // x264's keyint in the first keyframe tells the timeline the longest GOP to expect.
    void sniff_keyframe_interval(const media::MediaPacket& p);
    void refresh_target_duration();
    // Gap segments up to (not including) `msn`, sized by the timeline's boundaries.
    void fill_gap_to(std::uint64_t msn, util::Time wall);
    Segment& open_gap_segment(std::uint64_t msn,
                              std::int64_t t_us,
                              std::uint32_t epoch,
                              util::Time program_date_time);
    void add_gap_part(double duration);
    void append_segment(Segment s);
    // The msn of the segment `next` starts, or nullopt when it continues the open one.
    std::optional<std::uint64_t> segment_at(const media::MediaPacket& next);
    void open_segment(const Frame& first);
    void close_part(std::int64_t end_dts, bool ends_segment);
    std::vector<media::MediaPacket> take_side_frames(std::int64_t end_dts);
    void complete_segment();
    void slide();
    void flush();

    std::vector<media::TrackInfo> tracks_;
    RenditionConfig config_;
    std::optional<std::size_t> main_;  // video if there is one, else audio: it cuts parts
    std::optional<std::size_t> side_;  // audio beside video, split at the video's part edges
    std::int64_t part_target_ticks_ = 0;

    std::optional<Frame> held_;  // the newest main frame: its duration is the next dts - dts
    std::vector<Frame> part_;    // main frames of the part being built
    std::int64_t part_ticks_ = 0;
    std::int64_t last_duration_ = 0;
    // The last few frame durations: the shortest is the guess for the next frame's (see on_main).
    std::array<std::int64_t, 8> recent_durations_{};
    std::size_t recent_next_ = 0;
    std::deque<media::MediaPacket> side_queue_;
    std::int64_t side_last_duration_ = 0;

    bool segment_open_ = false;
    std::int64_t segment_start_us_ = 0;  // of the open segment, on the shared timeline
    std::shared_ptr<Timeline> timeline_;
    std::uint32_t epoch_ = 0;
    bool must_start_ = false;  // the first keyframe after a discontinuity starts a segment
    bool gap_ = false;
    // The window was started over (segments missed with media in them): a discontinuity.
    bool restarted_ = false;
    bool has_previous_ = false;  // a segment was ever appended
    std::uint32_t last_epoch_ = 0;
    std::uint64_t discontinuity_sequence_ = 0;
    std::uint32_t fragment_sequence_ = 1;
    double longest_segment_ = 0;
    bool sniffed_ = false;
    std::optional<int> pending_keyint_;  // frames, waiting for the frame rate

    Window window_;
    RenditionStats stats_;
};

}  // namespace nchat::hls
