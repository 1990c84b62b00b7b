#include "app/publish_authorizer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>

#include "app/recording.hpp"
#include "app/transcoding.hpp"
#include "auth/token.hpp"
#include "util/log.hpp"

namespace nchat::app {

namespace net = boost::asio;
using ingest::PublishGrant;
using ingest::PublishRefusal;
using store::StreamStatus;

PublishAuthorizer::PublishAuthorizer(store::Database& db,
                                     live::Registry& registry,
                                     hls::Origin& origin,
                                     util::Clock& clock,
                                     PublishSettings settings)
    : db_(db),
      registry_(registry),
      origin_(origin),
      clock_(clock),
      settings_(std::move(settings)) {}

boost::asio::awaitable<std::variant<PublishGrant, PublishRefusal>> PublishAuthorizer::authorize(
    std::string key, std::uint64_t publisher, std::string peer) {
    using ingest::RefusalReason;
    if (!settings_.live_streaming) {
        co_return PublishRefusal{RefusalReason::disabled,
                                 "live streaming is turned off on this server"};
    }
    if (key.empty() || key.size() > 255)
        co_return PublishRefusal{RefusalReason::missing_key, "missing stream key"};
    auto hash = auth::hash_token(key);
    auto stream = co_await db_.read([&](store::Store& s) { return s.stream_by_key_hash(hash); });
    if (!stream) co_return PublishRefusal{RefusalReason::unknown_key, "unknown stream key"};
    if (stream->status == StreamStatus::ended || stream->status == StreamStatus::cancelled) {
        co_return PublishRefusal{RefusalReason::ended,
                                 "this stream has ended; create a new stream to go live again"};
    }
    // Packaged on the publisher's own io_context: ingest and packaging never wake another thread.
    auto here = co_await net::this_coro::executor;
    net::any_io_executor home = here;
    using SessionStrand = net::strand<net::io_context::executor_type>;
    if (const auto* strand = here.target<SessionStrand>()) home = strand->get_inner_executor();
    auto live = registry_.claim(stream->id, publisher, home);
    if (!live) {
        co_return PublishRefusal{RefusalReason::busy, "this stream already has a publisher"};
    }
    if (!origin_.find(stream->id)) {
        auto pres =
            std::make_shared<hls::Presentation>(live->strand(), clock_, settings_.rendition);
        if (settings_.recorder) {
            if (auto rec = settings_.recorder->start(stream->id))
                pres->set_listener(std::make_shared<RecordingListener>(std::move(rec)));
        }
        if (settings_.transcoding) {
            live->add_consumer(settings_.transcoding->attach(stream->id, stream->max_resolution,
                                                             stream->top_rung, pres));
        } else {
            live->add_consumer(pres->add_rendition(hls::kSourceRendition));
        }
        origin_.add(stream->id, pres);
    }
    if (settings_.auto_live &&
        (stream->status == StreamStatus::scheduled || stream->status == StreamStatus::preparing)) {
        store::StreamPatch patch;
        patch.status = StreamStatus::live;
        patch.started_at = clock_.now();
        patch.hls_manifest_url = settings_.public_url + "/hls/" + stream->id + "/master.m3u8";
        std::vector<StreamStatus> expected{StreamStatus::scheduled, StreamStatus::preparing};
        bool applied = false;
        auto now = clock_.now();
        co_await db_.write([&](store::Store& s) {
            return s.update_stream(stream->id, patch, now, expected, &applied);
        });
        if (applied) {
            util::logger("app")->info("stream={} live (publish from {})", stream->id, peer);
            if (settings_.on_status) settings_.on_status(stream->id, StreamStatus::live);
        }
    }
    co_return PublishGrant{stream->id, live};
}

void PublishAuthorizer::unpublished(const std::string& stream_id, std::uint64_t publisher) {
    registry_.release(stream_id, publisher);
}

}  // namespace nchat::app
