#pragma once
// The HLS origin: which streams have a packager on this node, and the HTTP routes that serve
// their playlists, init segments, segments and parts from memory (no disk on the live path).
//   /hls/{streamId}/master.m3u8                 multivariant playlist (the Stream's hlsManifestUrl)
//   /hls/{streamId}/{rendition}/index.m3u8      media playlist; blocking reload, delta updates
//   /hls/{streamId}/{rendition}/{init,seg,part}  CMAF resources
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hls/presentation.hpp"
#include "http/router.hpp"

namespace nchat::hls {

class Origin {
public:
    // What answers a stream's URLs when it is not live here (no presentation, or one that has
    // ended): the recording's replay. Given the stream id, the rendition ("" for master.m3u8)
    // and the file; nullopt declines (then the live answer, or 404).
    using Fallback = std::function<std::optional<http::Response>(
        const http::Request&, std::string_view, std::string_view, std::string_view)>;
    // Before add_routes.
    void set_fallback(Fallback f) { fallback_ = std::move(f); }

    void add(const std::string& stream_id, std::shared_ptr<Presentation> p);
    void remove(const std::string& stream_id, const std::shared_ptr<Presentation>& p);
    std::shared_ptr<Presentation> find(std::string_view stream_id) const;
    std::size_t size() const;

    // The routes, and the fast path for what is ready at once (http/fast_get.hpp).
    void add_routes(http::Router& router);
    // Any thread: a 200 for a media playlist already rendered for the current window, or a part,
    // segment or init segment the window holds. False for the rest (blocking reloads, hinted
    // parts, 404s, the multivariant playlist), which the routes answer.
    bool answer_at_once(std::string_view path, std::string_view query, http::FastAnswer& out) const;

private:
    // The live presentation of `stream_id` unless the fallback should be asked first.
    std::shared_ptr<Presentation> live(std::string_view stream_id) const;

    Fallback fallback_;
    mutable std::mutex mu_;
    std::map<std::string, std::shared_ptr<Presentation>, std::less<>> presentations_;
};

}  // namespace nchat::hls
