#include "transcode/detail/emitter.hpp"

#include <chrono>

#include <boost/asio/post.hpp>

namespace nchat::transcode::detail {

Emitter::Emitter(boost::asio::any_io_executor strand, std::size_t max_pending)
    : strand_(std::move(strand)), max_pending_(max_pending) {}

template <class F>
void Emitter::post(F&& f) {
    pending_.fetch_add(1);
    boost::asio::post(strand_, [self = shared_from_this(), f = std::forward<F>(f)]() mutable {
        f();
        self->done();
    });
}

void Emitter::done() {
    if (pending_.fetch_sub(1) >= max_pending_) {
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

void Emitter::wait_for_room(const std::atomic<bool>& stop) {
    std::unique_lock lock(mu_);
    while (pending_.load() >= max_pending_ && !stop.load()) {
        cv_.wait_for(lock, std::chrono::milliseconds(50));
    }
}

}  // namespace nchat::transcode::detail
