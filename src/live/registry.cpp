#include "live/registry.hpp"

namespace nchat::live {

Registry::Registry(net::any_io_executor ex,
                   std::chrono::milliseconds grace,
                   LiveStream::EndedFn on_ended)
    : ex_(std::move(ex)), grace_(grace), on_ended_(std::move(on_ended)) {}

std::shared_ptr<LiveStream> Registry::claim(const std::string& stream_id,
                                            std::uint64_t publisher,
                                            net::any_io_executor home) {
    std::lock_guard lock(mu_);
    auto it = streams_.find(stream_id);
    if (it != streams_.end() && it->second.stream->ended()) {
        streams_.erase(it);  // ended at this very moment: start afresh
        it = streams_.end();
    }
    if (it != streams_.end()) {
        if (it->second.publisher != 0 && it->second.publisher != publisher) return nullptr;
        it->second.publisher = publisher;
        it->second.stream->publisher_started();
        return it->second.stream;
    }
    auto s = std::make_shared<LiveStream>(
        home ? home : ex_, stream_id, grace_, [this](const std::string& id) {
            {
                std::lock_guard l(mu_);
                // Only if the entry is still the stream that ended (a new one may have replaced
                // it).
                auto it = streams_.find(id);
                if (it != streams_.end() && it->second.stream->ended()) streams_.erase(it);
            }
            if (on_ended_) on_ended_(id);
        });
    streams_.emplace(stream_id, Entry{s, publisher});
    s->publisher_started();
    return s;
}

void Registry::release(const std::string& stream_id, std::uint64_t publisher) {
    std::lock_guard lock(mu_);
    auto it = streams_.find(stream_id);
    if (it == streams_.end() || it->second.publisher != publisher) return;
    it->second.publisher = 0;
    it->second.stream->publisher_stopped();
}

void Registry::end(const std::string& stream_id) {
    std::shared_ptr<LiveStream> s;
    {
        std::lock_guard lock(mu_);
        auto it = streams_.find(stream_id);
        if (it == streams_.end()) return;
        s = it->second.stream;
    }
    s->end();  // its ended callback erases the entry
}

std::shared_ptr<LiveStream> Registry::find(const std::string& stream_id) const {
    std::lock_guard lock(mu_);
    auto it = streams_.find(stream_id);
    return it == streams_.end() ? nullptr : it->second.stream;
}

std::size_t Registry::size() const {
    std::lock_guard lock(mu_);
    return streams_.size();
}

}  // namespace nchat::live
