#pragma once
// One stream's live state (DESIGN.md): its tracks, the current GOP (so a new consumer starts
// on a keyframe), its consumers, and its lifecycle with the reconnect grace period. All state
// lives on the stream's strand; the public methods post there and return at once, so an ingest
// session never waits on a consumer.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "live/consumer.hpp"

namespace nchat::live {

namespace net = boost::asio;

struct LiveStats {
    std::uint64_t packets_in = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t keyframes = 0;
    std::uint64_t gop_overflows = 0;  // GOP cache hit its limit: late joiners wait for the next
    std::uint32_t publishes = 0;      // 1 + reconnects
};

class LiveStream : public std::enable_shared_from_this<LiveStream> {
public:
    using EndedFn = std::function<void(const std::string& stream_id)>;

    LiveStream(net::any_io_executor ex,
               std::string id,
               std::chrono::milliseconds grace,
               EndedFn on_ended);

    const std::string& id() const { return id_; }

    // From an ingest session (any thread).
    void publish_tracks(std::vector<media::TrackInfo> tracks);
    void publish_packet(media::MediaPacket p);
    void publisher_started();  // first publish, or a reconnect within the grace period
    void publisher_stopped();  // starts the grace period
    void end();                // ended by the API: no grace

    // A consumer that needs a keyframe now (a WebRTC viewer joining, or one that lost packets)
    // asks the publisher for one; publishers that can (WHIP: PLI) register how (any thread).
    // Without one, consumers start from the GOP they were given.
    void set_keyframe_requester(std::function<void()> request);
    void request_keyframe();

    // Consumers (any thread). A new consumer gets the tracks and the current GOP first.
    void add_consumer(std::shared_ptr<Consumer> c);
    void remove_consumer(const std::shared_ptr<Consumer>& c);

    // On the strand: for tests and health.
    net::strand<net::any_io_executor>& strand() { return strand_; }
    const LiveStats& stats() const { return stats_; }  // on strand
    bool ended() const { return ended_; }              // any thread

private:
    void do_end();
    void trim_gop();

    net::strand<net::any_io_executor> strand_;
    std::string id_;
    std::chrono::milliseconds grace_;
    EndedFn on_ended_;
    net::steady_timer grace_timer_;

    // on strand
    std::vector<media::TrackInfo> tracks_;
    std::vector<media::MediaPacket> gop_;  // from the last video keyframe (or recent audio)
    std::size_t gop_bytes_ = 0;
    std::vector<std::shared_ptr<Consumer>> consumers_;
    std::function<void()> keyframe_requester_;
    bool publishing_ = false;
    std::atomic<bool> ended_{false};
    LiveStats stats_;
};

}  // namespace nchat::live
