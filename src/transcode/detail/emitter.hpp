#pragma once
// Delivers a rung's output events on the stream strand, in the order the worker threads
// produce them (a strand runs what is posted to it in order), holding nothing of the
// Transcoder: each posted call keeps its output alive by itself.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "live/consumer.hpp"

namespace nchat::transcode::detail {

struct OutputEvent {
    enum class Kind : std::uint8_t { tracks, packet, discontinuity, gap, end };
    Kind kind = Kind::packet;
    media::MediaPacket packet;
    std::vector<media::TrackInfo> tracks;
};

class Emitter : public std::enable_shared_from_this<Emitter> {
public:
    Emitter(boost::asio::any_io_executor strand, std::size_t max_pending);

    // Any thread; each returns at once.
    void tracks(std::shared_ptr<live::Consumer> out, std::vector<media::TrackInfo> tracks);
    void packet(std::shared_ptr<live::Consumer> out, media::MediaPacket p);
    void discontinuity(std::shared_ptr<live::Consumer> out);
    void end(std::shared_ptr<live::Consumer> out);
    // Several events for one output in one visit to the strand (a frame and the audio that
    // came before it): fewer wake-ups of the network thread.
    void send(std::shared_ptr<live::Consumer> out, std::vector<OutputEvent> events);

    // Worker threads, before producing more: waits while `max_pending` events are still
    // queued for the strand (a starved strand must not grow our output without bound), or
    // until `stop`.
    void wait_for_room(const std::atomic<bool>& stop);
    std::size_t pending() const { return pending_.load(); }

private:
    template <class F>
    void post(F&& f, std::size_t events = 1);
    void done(std::size_t events);

    boost::asio::any_io_executor strand_;
    const std::size_t max_pending_;
    std::atomic<std::size_t> pending_{0};
    std::mutex mu_;
    std::condition_variable cv_;
};

}  // namespace nchat::transcode::detail
