#include "app/recording.hpp"

#include <cmath>

namespace nchat::app {

void RecordingListener::on_segment(const std::string& rendition, const hls::Segment& s) {
    record::SegmentData d;
    d.msn = s.msn;
    d.duration_us = std::llround(s.duration * 1e6);
    d.discontinuity = s.discontinuity;
    d.gap = s.gap;
    d.init_generation = s.init_generation;
    d.init = s.init;
    d.program_date_ms = s.program_date_time.time_since_epoch().count();
    if (!s.gap) {
        d.parts.reserve(s.parts.size());
        for (const auto& p : s.parts)
            d.parts.push_back(p.bytes);
    }
    rec_->on_segment(rendition, d);
}

void RecordingListener::on_rendition_end(const std::string& rendition) {
    rec_->on_rendition_end(rendition);
}

void RecordingListener::on_master_playlist(std::string text) {
    rec_->on_master_playlist(std::move(text));
}

}  // namespace nchat::app
