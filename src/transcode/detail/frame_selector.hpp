#pragma once
// Which decoded source frames become IDRs (the same answer for every rung, so their segments
// and parts line up), and which frames a lower-frame-rate rung keeps. Pure; pts in 90 kHz.
#include <cstdint>
#include <optional>

namespace nchat::transcode::detail {

inline constexpr std::int64_t kVideoHz = 90000;

class IdrPlanner {
public:
    // `cadence_s`: the IDR interval when every rung is encoded (the HLS segment target, or the
    // configured keyframe interval).
    explicit IdrPlanner(double cadence_s);

    // Beside a passthrough rung, every IDR is one of the source's keyframes: those are the only
    // places that rung can start a segment, so every rung cuts there too. Without one, IDRs
    // come at a steady cadence whatever the source does.
    void follow_source(bool follow) { follow_ = follow; }
    bool follows_source() const { return follow_; }
    // Frames in presentation order.
    bool decide(std::int64_t pts, bool source_keyframe);
    // The next frame is an IDR whatever its pts (start, reconfiguration, discontinuity).
    void force_next() { force_ = true; }

private:
    std::int64_t cadence_;
    bool follow_ = true;
    bool force_ = true;
    std::int64_t last_idr_ = 0;
};

// Evenly drops frames for a rung slower than the source, by pts (never re-timing): a frame is
// kept when it is the source frame nearest to the rung's next output instant.
class FrameSelector {
public:
    explicit FrameSelector(double fps);
    void reset();
    // `idr` frames are always kept: every rung has its IDRs at the same pts.
    bool keep(std::int64_t pts, bool idr);

private:
    double out_interval_;  // ticks per output frame; 0 = keep everything
    std::optional<double> next_due_;
    std::optional<std::int64_t> last_pts_;
    double src_interval_ = 0;  // moving average of the source's frame spacing
};

}  // namespace nchat::transcode::detail
