#include "transcode/detail/emitter.hpp"

#include <chrono>

#include <boost/asio/post.hpp>

namespace nchat::transcode::detail {

Emitter::Emitter(boost::asio::any_io_executor strand, std::size_t max_pending)
    : strand_(std::move(strand)), max_pending_(max_pending) {}

template <class F>
void Emitter::post(F&& f, std::size_t events) {
    pending_.fetch_add(events);
    boost::asio::post(strand_,
                      [self = shared_from_this(), f = std::forward<F>(f), events]() mutable {
                          f();
                          self->done(events);
                      });
}

void Emitter::done(std::size_t events) {
    if (pending_.fetch_sub(events) >= max_pending_) {
        std::lock_guard lock(mu_);
        cv_.notify_all();
    }
}

void Emitter::tracks(std::shared_ptr<live::Consumer> out, std::vector<media::TrackInfo> tracks) {
    post([out = std::move(out), tracks = std::move(tracks)] { out->on_tracks(tracks); });
}

void Emitter::packet(std::shared_ptr<live::Consumer> out, media::MediaPacket p) {
    post([out = std::move(out), p = std::move(p)] { out->on_packet(p); });
}

void Emitter::discontinuity(std::shared_ptr<live::Consumer> out) {
    post([out = std::move(out)] { out->on_discontinuity(); });
}

void Emitter::end(std::shared_ptr<live::Consumer> out) {
    post([out = std::move(out)] { out->on_end(); });
}

void Emitter::send(std::shared_ptr<live::Consumer> out, std::vector<OutputEvent> events) {
    if (events.empty()) return;
    const auto n = events.size();
    post(
        [out = std::move(out), events = std::move(events)] {
            for (const auto& e : events) {
                switch (e.kind) {
                    case OutputEvent::Kind::tracks:
                        out->on_tracks(e.tracks);
                        break;
                    case OutputEvent::Kind::packet:
                        out->on_packet(e.packet);
                        break;
                    case OutputEvent::Kind::discontinuity:
                        out->on_discontinuity();
                        break;
                    case OutputEvent::Kind::gap:
                        out->on_gap();
                        break;
                    case OutputEvent::Kind::end:
                        out->on_end();
                        break;
                }
            }
        },
        n);
}

void Emitter::wait_for_room(const std::atomic<bool>& stop) {
    std::unique_lock lock(mu_);
    while (pending_.load() >= max_pending_ && !stop.load()) {
        cv_.wait_for(lock, std::chrono::milliseconds(50));
    }
}

}  // namespace nchat::transcode::detail
