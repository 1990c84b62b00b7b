#pragma once
// Files from the web root (the built web app): content types, validators (weak ETag from size
// and mtime, Last-Modified) and conditional requests (RFC 9110 §13), long-lived caching for
// Vite's hashed /assets/, index.html for single-page-app routes. Disk reads run on a pool of
// its own, never on an I/O thread (DESIGN.md, Threads).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "http/router.hpp"

namespace nchat::http::detail {

// Larger files are refused (404): the web app's bundles are far smaller, and a whole file is
// held in memory while it is sent.
inline constexpr std::uintmax_t kMaxStaticFileBytes = 64 * 1024 * 1024;

class StaticFiles {
public:
    explicit StaticFiles(const std::string& web_root);
    ~StaticFiles();
    StaticFiles(const StaticFiles&) = delete;
    StaticFiles& operator=(const StaticFiles&) = delete;

    // GET/HEAD outside the server's own prefixes (/api/, /hls/, /metrics, /healthz).
    static bool eligible(bhttp::verb method, std::string_view path);
    // Reads on the pool; resumes on the caller's executor (the session strand).
    net::awaitable<Response> serve(const RawRequest& req, std::string_view decoded_path);
    // Stops the pool; pending reads are abandoned (server teardown).
    void shutdown();

private:
    std::filesystem::path root_;  // canonical
    net::thread_pool pool_{1};
};

// Exposed for tests.
std::string_view content_type_for(std::string_view path);
// Accept-Encoding takes gzip (present, and not with q=0).
bool accepts_gzip(std::string_view accept_encoding);
std::optional<std::int64_t> parse_http_date(std::string_view s);  // seconds since the epoch

}  // namespace nchat::http::detail
