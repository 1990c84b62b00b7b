#pragma once
// The HLS origin: which streams have a packager on this node, and the HTTP routes that serve
// their playlists, init segments, segments and parts from memory (no disk on the live path).
//   /hls/{streamId}/master.m3u8                 multivariant playlist (the Stream's hlsManifestUrl)
//   /hls/{streamId}/{rendition}/index.m3u8      media playlist; blocking reload, delta updates
//   /hls/{streamId}/{rendition}/{init,seg,part}  CMAF resources
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "hls/packager.hpp"
#include "http/router.hpp"

namespace nchat::hls {

// The one rendition until the transcoding issue adds the ladder.
inline constexpr const char* kSourceRendition = "source";

class Origin {
public:
    void add(const std::string& stream_id, std::shared_ptr<Packager> p);
    void remove(const std::string& stream_id, const std::shared_ptr<Packager>& p);
    std::shared_ptr<Packager> find(std::string_view stream_id) const;
    std::size_t size() const;

    void add_routes(http::Router& router);

private:
    mutable std::mutex mu_;
    std::map<std::string, std::shared_ptr<Packager>, std::less<>> packagers_;
};

}  // namespace nchat::hls
