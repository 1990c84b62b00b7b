#pragma once
// The HLS packager of one stream: a LiveStream consumer that feeds a Rendition on the stream's
// strand, and wakes playlist requests blocked on a part (LL-HLS blocking reload, §6.2.5.2) the
// moment that part exists. HTTP handlers read what it published (ready_playlist,
// ready_resource, published_window) from any thread; only what is not yet there goes through
// `strand()` (util::run_on).
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "hls/detail/playlist.hpp"
#include "hls/detail/rendition.hpp"
#include "hls/detail/resource.hpp"
#include "live/consumer.hpp"

namespace nchat::hls {

class Packager;

// The packagers of one stream's renditions (presentation.hpp), so that one in a gap can follow
// the others part by part. Members are added from any thread; read on the stream strand.
class Siblings {
public:
    void add(const std::shared_ptr<Packager>& p);
    void remove(const Packager* p);
    std::vector<std::shared_ptr<Packager>> list() const;

private:
    mutable std::mutex mu_;
    std::vector<std::weak_ptr<Packager>> members_;
};

class Packager : public live::Consumer {
public:
    // `timeline`, `changes` and `siblings`: shared with the stream's other renditions
    // (presentation.hpp); nullptr: its own. `changes` counts changes of any of them (what a
    // playlist depends on).
    Packager(boost::asio::any_io_executor stream_strand,
             util::Clock& clock,
             RenditionConfig config,
             std::shared_ptr<Timeline> timeline = nullptr,
             std::shared_ptr<std::atomic<std::uint64_t>> changes = nullptr,
             std::shared_ptr<Siblings> siblings = nullptr);

    // live::Consumer, on the stream strand.
    void on_tracks(const std::vector<media::TrackInfo>& tracks) override;
    void on_packet(const media::MediaPacket& p) override;
    void on_discontinuity() override;
    void on_gap() override;
    void on_end() override;
    // In a gap: follow `sibling`'s window with GAP parts (Rendition::fill_gap), waking waiters.
    void follow(const Window& sibling);
    // Before any media: `f` gets each segment once it is complete, in order, then nullptr at
    // the end (on the stream strand; recording).
    void on_segments(std::function<void(const Segment*)> f) { segment_sink_ = std::move(f); }
    // Any thread: on_end has run.
    bool finished() const { return finished_.load(std::memory_order_acquire); }

    // On the stream strand.
    boost::asio::any_io_executor strand() const { return strand_; }
    const Rendition* rendition() const { return rendition_ ? &*rendition_ : nullptr; }
    // `wake` runs (on the strand) at the next change: a part added or the end. One-shot.
    void add_waiter(std::function<void()> wake);
    bool ended() const { return ended_; }
    // The media playlist of the current window (a delta update when `skip`), rendered once per
    // change of the stream's renditions and shared by every response until the next change.
    // `reports` gives the siblings' RENDITION-REPORTs. nullptr before any media.
    std::shared_ptr<const std::string> playlist(
        bool skip, const std::function<std::vector<RenditionReport>()>& reports = {});
    // Any thread: that playlist when it is rendered and still current, else nullptr (then ask
    // playlist() on the strand). Most playlist requests are answered here, with no strand visit.
    std::shared_ptr<const std::string> ready_playlist(bool skip) const;
    // Any thread: the part, segment or init segment `name` when the window as of the last change
    // holds it (a `found` Resource), else whatever that window says (then ask on the strand,
    // which knows better: a hinted part may have arrived since).
    Resource ready_resource(std::string_view name) const;
    // Any thread: the window as of the last change (nullptr before any media).
    std::shared_ptr<const Window> published_window() const {
        return published_.load(std::memory_order_acquire);
    }

private:
    void wake_all();       // the window changed: wake waiters, drop the rendered playlists
    void lead_siblings();  // this window has media and moved: siblings in a gap follow it
    void sink_segments();  // the segments completed since the last call go to segment_sink_

    boost::asio::any_io_executor strand_;
    util::Clock& clock_;
    RenditionConfig config_;
    std::shared_ptr<Timeline> timeline_;
    std::optional<Rendition> rendition_;
    std::vector<std::function<void()>> waiters_;
    bool ended_ = false;
    // Timestamps continue across a publisher reconnect: the new publisher's clock starts over,
    // so its packets are shifted to where the rendition's clock stands.
    bool rebase_ = false;
    double offset_seconds_ = 0;
    std::uint64_t parts_seen_ = 0;
    std::function<void(const Segment*)> segment_sink_;
    std::optional<std::uint64_t> sunk_msn_;  // the last segment given to segment_sink_
    std::atomic<bool> finished_{false};
    std::shared_ptr<std::atomic<std::uint64_t>> changes_;
    std::shared_ptr<Siblings> siblings_;
    struct Rendered {
        std::uint64_t changes;  // *changes_ when rendered
        std::string text;
    };
    std::atomic<std::shared_ptr<const Rendered>> rendered_[2];  // [plain, skip]
    // A copy of the window at each change (its buffers shared, not copied), for readers on
    // other threads.
    std::atomic<std::shared_ptr<const Window>> published_;
};

}  // namespace nchat::hls
