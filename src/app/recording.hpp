#pragma once
// Wires a stream's HLS presentation to its recording (issue 16, docs/recording.md): each
// complete segment of each rendition, as the packager made it, goes to the recorder's queue.
#include <memory>

#include "hls/presentation.hpp"
#include "record/recorder.hpp"

namespace nchat::app {

class RecordingListener final : public hls::PresentationListener {
public:
    explicit RecordingListener(std::shared_ptr<record::Recording> rec) : rec_(std::move(rec)) {}

    void on_segment(const std::string& rendition, const hls::Segment& s) override;
    void on_rendition_end(const std::string& rendition) override;
    void on_master_playlist(std::string text) override;

private:
    std::shared_ptr<record::Recording> rec_;
};

}  // namespace nchat::app
