#pragma once
// Decides whether a publish (RTMP or WHIP) may go ahead (issue #4): the key selects the stream; an
// ended or cancelled stream refuses; a second publisher is refused while the first is live.
// On success the stream gets its HLS packager and, with auto-live, goes live in the store.
#include <functional>

#include "hls/origin.hpp"
#include "ingest/rtmp/server.hpp"
#include "live/registry.hpp"
#include "record/recorder.hpp"
#include "store/database.hpp"

namespace nchat::app {

struct PublishSettings {
    bool auto_live = true;
    bool live_streaming = true;  // false: every publish is refused (--live-streaming)
    std::string public_url;      // for hlsManifestUrl
    hls::RenditionConfig rendition;
    // The quality ladder (issue 5); null: the stream is packaged as published ("source").
    class Transcoding* transcoding = nullptr;
    // Records every stream (docs/recording.md); null: recording is off.
    record::Recorder* recorder = nullptr;
    // Told when a publish moves a stream to live (the room announces stream.status).
    std::function<void(const std::string& stream_id, store::StreamStatus)> on_status;
};

class PublishAuthorizer final : public ingest::PublishAuthorizer {
public:
    PublishAuthorizer(store::Database& db,
                      live::Registry& registry,
                      hls::Origin& origin,
                      util::Clock& clock,
                      PublishSettings settings);

    boost::asio::awaitable<std::variant<ingest::PublishGrant, ingest::PublishRefusal>> authorize(
        std::string key, std::uint64_t publisher, std::string peer) override;
    void unpublished(const std::string& stream_id, std::uint64_t publisher) override;

    PublishSettings& settings() { return settings_; }

private:
    store::Database& db_;
    live::Registry& registry_;
    hls::Origin& origin_;
    util::Clock& clock_;
    PublishSettings settings_;
};

}  // namespace nchat::app
