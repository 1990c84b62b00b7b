#pragma once
// Everything the origin serves for one stream: its renditions (one "source" rendition, or the
// transcoder's ladder), which share one Timeline (same msn at the same media time) and the
// stream's strand. The multivariant playlist lists them; each media playlist carries
// RENDITION-REPORTs for the others (rfc8216bis §4.4.5.4).
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "hls/detail/packager.hpp"

namespace nchat::hls {

// The one rendition of a stream packaged as it was published (no transcoding).
inline constexpr const char* kSourceRendition = "source";

// Told, on the stream strand, of every complete segment of each rendition, of each rendition's
// end, and of the multivariant playlist as it changes (the recording; record/recorder.hpp).
class PresentationListener {
public:
    virtual ~PresentationListener() = default;
    virtual void on_segment(const std::string& rendition, const Segment& s) = 0;
    virtual void on_rendition_end(const std::string& rendition) = 0;
    virtual void on_master_playlist(std::string text) = 0;
};

class Presentation : public std::enable_shared_from_this<Presentation> {
public:
    Presentation(boost::asio::any_io_executor stream_strand,
                 util::Clock& clock,
                 RenditionConfig config);

    // Any thread. A new rendition packaged on the stream strand, on this presentation's
    // timeline; listed in the order added (the best first). Same name again: the same packager.
    std::shared_ptr<Packager> add_rendition(const std::string& name);
    // Before any rendition is added.
    void set_listener(std::shared_ptr<PresentationListener> l) { listener_ = std::move(l); }
    // Any thread: every rendition has ended (the stream is over; its replay may take over).
    bool ended() const;
    std::shared_ptr<Packager> find(std::string_view name) const;
    // Any thread. The rendition leaves the multivariant playlist and its URLs answer 404 (the
    // transcoder's plan dropped it: the source got smaller). Its packager lives on with the
    // consumers that hold it.
    void remove_rendition(std::string_view name);
    struct Member {
        std::string name;
        std::shared_ptr<Packager> packager;
    };
    std::vector<Member> renditions() const;
    boost::asio::any_io_executor strand() const { return strand_; }

    // On the stream strand.
    // The media playlist of `name` with the other renditions' reports; rendered once per change
    // of any rendition and shared. nullptr when that rendition has no media yet.
    std::shared_ptr<const std::string> playlist(const Packager& p, bool skip);
    // The renditions the stream carries (those whose tracks are known, in or out of a gap), as
    // variants; empty when none has media yet.
    std::string master_playlist() const;
    // Every rendition has a complete segment (a player's first playlist has an EXTINF).
    bool all_have_segments() const;

private:
    boost::asio::any_io_executor strand_;
    util::Clock& clock_;
    RenditionConfig config_;
    std::shared_ptr<Timeline> timeline_;
    std::shared_ptr<std::atomic<std::uint64_t>> changes_;  // of any rendition
    std::shared_ptr<Siblings> siblings_;
    mutable std::mutex mu_;  // guards members_ (added from the transcoder, read by the origin)
    std::vector<Member> members_;
    std::shared_ptr<PresentationListener> listener_;
};

}  // namespace nchat::hls
