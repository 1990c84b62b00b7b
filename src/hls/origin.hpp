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
#include <vector>

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

    // Private playback (docs/api.md): asked before any URL of a stream is served, live or
    // replay. Not allowed: 403. A token in the decision is written into every URI of the
    // playlists served, and the answers are marked private for shared HTTP caches.
    struct AccessDecision {
        bool allowed = true;
        std::string token;
    };
    struct Access {
        // Any thread, no waiting: the fast path may answer this stream (known to be public).
        std::function<bool(std::string_view stream_id)> known_public;
        std::function<boost::asio::awaitable<AccessDecision>(std::string stream_id,
                                                             std::optional<std::string> token)>
            check;
    };
    // Before add_routes; without it every stream is public.
    void set_access(Access a) { access_ = std::move(a); }

    // Several nodes (docs/deploy.md): the public URL of another node that packages a stream
    // not live here; that stream's URLs answer 307 to the same path and query there.
    using Elsewhere = std::function<std::optional<std::string>(const std::string& stream_id)>;
    void set_elsewhere(Elsewhere e) { elsewhere_ = std::move(e); }
    // Any thread: the streams packaged here now (not ended).
    std::vector<std::string> live_ids() const;

    void add(const std::string& stream_id, std::shared_ptr<Presentation> p);
    void remove(const std::string& stream_id, const std::shared_ptr<Presentation>& p);
    std::shared_ptr<Presentation> find(std::string_view stream_id) const;
    std::size_t size() const;

    // The routes, and the fast path for what is ready at once (http/fast_get.hpp).
    void add_routes(http::Router& router);
    // Another GET route under /hls/{streamId}/ (a recording's clips) behind the same access
    // check and token writing as the stream's own.
    void add_route(http::Router& router, const std::string& pattern, http::Handler serve);
    // Any thread: a 200 for a media playlist already rendered for the current window, or a part,
    // segment or init segment the window holds. False for the rest (blocking reloads, hinted
    // parts, 404s, the multivariant playlist), which the routes answer.
    bool answer_at_once(std::string_view path, std::string_view query, http::FastAnswer& out) const;

private:
    // The live presentation of `stream_id` unless the fallback should be asked first.
    std::shared_ptr<Presentation> live(std::string_view stream_id) const;
    boost::asio::awaitable<http::Response> serve_master(http::Request& req);
    boost::asio::awaitable<http::Response> serve_file(http::Request& req);
    // Wraps a route: the access check before, the token written into the answer after.
    boost::asio::awaitable<http::Response> guarded(http::Request& req, const http::Handler& serve);

    // A 307 to the stream's origin node when it is live there, not here.
    std::optional<http::Response> redirect_elsewhere(const http::Request& req,
                                                     std::string_view stream_id) const;

    Fallback fallback_;
    Access access_;
    Elsewhere elsewhere_;
    mutable std::mutex mu_;
    std::map<std::string, std::shared_ptr<Presentation>, std::less<>> presentations_;
};

}  // namespace nchat::hls
