#include "record/replay.hpp"

#include "record/clips.hpp"
#include "record/index.hpp"

namespace nchat::record {
namespace {

namespace net = boost::asio;
using Status = http::bhttp::status;
using Field = http::bhttp::field;

// One media segment of the top rung at 8 Mb/s over a 10 s GOP is 10 MB.
constexpr std::size_t kMaxMediaFile = 64u << 20;
constexpr std::size_t kMaxPlaylist = 1u << 20;

http::Response reply(const http::Request& req,
                     std::string_view type,
                     std::string_view cache,
                     std::shared_ptr<const std::string> body) {
    http::Response res{Status::ok, req.raw.version()};
    res.set(Field::content_type, type);
    res.set(Field::cache_control, cache);
    res.set(Field::access_control_allow_origin, "*");
    res.keep_alive(req.raw.keep_alive());
    res.body().share(body, net::const_buffer(body->data(), body->size()));
    res.prepare_payload();
    return res;
}

// init.mp4, init{g}.mp4 or seg{msn}.m4s: nothing else is a recorded file.
bool media_name(std::string_view f) {
    auto digits = [](std::string_view s) {
        return !s.empty() && s.size() <= 20 &&
               s.find_first_not_of("0123456789") == std::string_view::npos;
    };
    if (f == "init.mp4") return true;
    if (f.starts_with("init") && f.ends_with(".mp4")) return digits(f.substr(4, f.size() - 8));
    if (f.starts_with("seg") && f.ends_with(".m4s")) return digits(f.substr(3, f.size() - 7));
    return false;
}

constexpr std::string_view kPlaylistType = "application/vnd.apple.mpegurl";

// An init or media segment of a recorded rendition.
std::optional<http::Response> media(const http::Request& req,
                                    const std::filesystem::path& dir,
                                    std::string_view rendition,
                                    std::string_view file) {
    if (!safe_name(rendition) || !media_name(file)) return std::nullopt;
    auto bytes = read_small_file(dir / std::string(rendition) / std::string(file), kMaxMediaFile);
    if (!bytes) return std::nullopt;
    return reply(req, "video/mp4", "public, max-age=31536000, immutable",
                 std::make_shared<const std::string>(std::move(*bytes)));
}

// The recording's multivariant playlist, for its replay and its clips alike (relative URIs).
std::optional<http::Response> master(const http::Request& req, const std::filesystem::path& dir) {
    auto text = read_small_file(dir / "master.m3u8", kMaxPlaylist);
    if (!text) return std::nullopt;
    // no-cache: a takedown must reach players (the media below may be cached for good).
    return reply(req, kPlaylistType, "no-cache",
                 std::make_shared<const std::string>(std::move(*text)));
}

}  // namespace

std::optional<http::Response> Replay::serve(const http::Request& req,
                                            std::string_view stream_id,
                                            std::string_view rendition,
                                            std::string_view file) const {
    auto dir = recorder_.dir(stream_id);
    if (!dir || recorder_.recording_now(stream_id)) return std::nullopt;
    if (rendition.empty()) {
        if (file != "master.m3u8") return std::nullopt;
        return master(req, *dir);
    }
    return serve_files(req, *dir, rendition, file);
}

std::optional<http::Response> Replay::serve_files(const http::Request& req,
                                                  const std::filesystem::path& dir,
                                                  std::string_view rendition,
                                                  std::string_view file) const {
    if (!safe_name(rendition)) return std::nullopt;
    if (file == "index.m3u8") {
        auto text = read_small_file(dir / std::string(rendition) / "index.txt", kMaxIndexBytes);
        if (!text) return std::nullopt;
        auto entries = parse_index(*text, kMaxIndexEntries);
        if (entries.empty()) return std::nullopt;
        return reply(req, kPlaylistType, "no-cache",
                     std::make_shared<const std::string>(vod_playlist(entries)));
    }
    return media(req, dir, rendition, file);
}

std::optional<http::Response> Replay::serve_clip(const http::Request& req,
                                                 std::string_view stream_id,
                                                 std::string_view clip_id,
                                                 std::string_view rendition,
                                                 std::string_view file) const {
    auto dir = recorder_.dir(stream_id);
    if (!dir || !safe_name(clip_id)) return std::nullopt;
    auto clip = load_clip(*dir, std::string(clip_id));
    if (!clip) return std::nullopt;
    if (rendition.empty()) {
        if (file != "master.m3u8") return std::nullopt;
        return master(req, *dir);
    }
    if (!safe_name(rendition)) return std::nullopt;
    if (file == "index.m3u8") {
        auto entries = clip_entries(*dir, std::string(rendition), *clip);
        if (entries.empty()) return std::nullopt;
        return reply(req, kPlaylistType, "no-cache",
                     std::make_shared<const std::string>(vod_playlist(entries)));
    }
    return media(req, *dir, rendition, file);
}

void Replay::add_routes(const std::function<void(std::string, http::Handler)>& add) const {
    auto answer = [](const http::Request& req, std::optional<http::Response> r) {
        if (r) return std::move(*r);
        return http::error_response(req.raw, Status::not_found, "not_found", "no such clip");
    };
    add("/hls/{streamId}/clips/{clipId}/{file}",
        [this, answer](http::Request& req) -> net::awaitable<http::Response> {
            co_return answer(req, serve_clip(req, req.param("streamId"), req.param("clipId"), "",
                                             req.param("file")));
        });
    add("/hls/{streamId}/clips/{clipId}/{rendition}/{file}",
        [this, answer](http::Request& req) -> net::awaitable<http::Response> {
            co_return answer(req, serve_clip(req, req.param("streamId"), req.param("clipId"),
                                             req.param("rendition"), req.param("file")));
        });
}

}  // namespace nchat::record
