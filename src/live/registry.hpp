#pragma once
// The live streams of this node, by stream id. The one place that answers "may this publisher
// take the stream?" at once (a second publisher is refused while the first is live).
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "live/live_stream.hpp"

namespace nchat::live {

class Registry {
public:
    Registry(net::any_io_executor ex,
             std::chrono::milliseconds grace,
             LiveStream::EndedFn on_ended);

    // Claims the stream for `publisher` (an opaque id of the session). Returns the stream,
    // new or resumed within its grace period, or nullptr when another publisher holds it.
    // A new stream's strand runs on `home` (the publisher's io_context, so ingest and packaging
    // share a thread) or, when empty, on the registry's executor.
    std::shared_ptr<LiveStream> claim(const std::string& stream_id,
                                      std::uint64_t publisher,
                                      net::any_io_executor home = {});
    // The publisher left: the stream waits out its grace period, then ends.
    void release(const std::string& stream_id, std::uint64_t publisher);
    // Ended by the API (or the grace period ran out): forget it.
    void end(const std::string& stream_id);

    std::shared_ptr<LiveStream> find(const std::string& stream_id) const;
    std::size_t size() const;

private:
    struct Entry {
        std::shared_ptr<LiveStream> stream;
        std::uint64_t publisher = 0;  // 0 = none (in grace)
    };
    net::any_io_executor ex_;
    std::chrono::milliseconds grace_;
    LiveStream::EndedFn on_ended_;
    mutable std::mutex mu_;
    std::map<std::string, Entry, std::less<>> streams_;
};

}  // namespace nchat::live
