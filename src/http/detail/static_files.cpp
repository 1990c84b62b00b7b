#include "http/detail/static_files.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "util/time.hpp"

namespace nchat::http::detail {
namespace fs = std::filesystem;
namespace {

struct FileQuery {
    fs::path root;
    std::string rel;  // decoded path without the leading '/'
    bool head = false;
    std::string if_none_match;
    std::string if_modified_since;
    bool gzip = false;  // the client takes Content-Encoding: gzip
};

struct FileResult {
    bhttp::status status = bhttp::status::not_found;
    std::string body;
    std::uint64_t size = 0;
    std::string etag;
    std::string last_modified;
    std::string file;  // the served file's name, for its content type
    bool fallback = false;
    bool gzip = false;  // the body is the file's precompressed sibling, FILE.gz
};

struct FileClose {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

bool etag_matches(std::string_view header, std::string_view etag) {
    auto strip = [](std::string_view t) {
        if (t.substr(0, 2) == "W/") t.remove_prefix(2);
        return t;
    };
    while (!header.empty()) {
        auto comma = header.find(',');
        auto tag = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t'))
            tag.remove_prefix(1);
        while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t'))
            tag.remove_suffix(1);
        if (tag == "*" || strip(tag) == strip(etag)) return true;  // weak comparison, §8.8.3.2
    }
    return false;
}

bool is_within(const fs::path& root, const fs::path& p) {
    const auto& r = root.native();
    const auto& s = p.native();
    return s.size() > r.size() && s.compare(0, r.size(), r) == 0 && s[r.size()] == '/';
}

// FILE.gz beside `file` (the web app's build writes them, web/scripts/compress.mjs), when it is
// a regular file inside the root and not older than `file`: a stale one is never served.
std::optional<fs::path> gzip_sibling(const fs::path& root,
                                     const fs::path& file,
                                     fs::file_time_type mtime) {
    std::error_code ec;
    fs::path gz = file;
    gz += ".gz";
    auto canon = fs::canonical(gz, ec);
    if (ec || !is_within(root, canon) || !fs::is_regular_file(canon, ec)) return std::nullopt;
    auto gz_mtime = fs::last_write_time(canon, ec);
    if (ec || gz_mtime < mtime) return std::nullopt;
    return canon;
}

// Blocking: runs on the file pool.
FileResult load(const FileQuery& q) {
    FileResult out;
    std::error_code ec;
    fs::path candidate = q.root / q.rel;
    auto st = fs::status(candidate, ec);
    if (!ec && fs::is_directory(st)) {
        candidate /= "index.html";
        st = fs::status(candidate, ec);
    }
    if (ec || !fs::is_regular_file(st)) {
        auto last = q.rel.substr(q.rel.rfind('/') + 1);
        if (last.find('.') != std::string::npos) return out;
        candidate = q.root / "index.html";  // a single-page-app route
        out.fallback = true;
        st = fs::status(candidate, ec);
        if (ec || !fs::is_regular_file(st)) return out;
    }
    auto canon = fs::canonical(candidate, ec);
    if (ec || !is_within(q.root, canon)) return out;  // e.g. a symlink out of the web root
    out.size = fs::file_size(canon, ec);
    if (ec || out.size > kMaxStaticFileBytes) return out;
    auto mtime = fs::last_write_time(canon, ec);
    if (ec) return out;
    auto sys = std::chrono::file_clock::to_sys(mtime);
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(sys.time_since_epoch()).count();
    auto secs = std::chrono::floor<std::chrono::seconds>(sys);
    out.etag = fmt::format("W/\"{:x}-{:x}\"", out.size, ns);
    out.last_modified =
        util::format_http_date(std::chrono::time_point_cast<std::chrono::milliseconds>(secs));
    out.file = canon.filename().string();
    // The compressed variant has its own validator (RFC 9110 §8.8.3: a different
    // representation).
    std::optional<fs::path> gz = q.gzip ? gzip_sibling(q.root, canon, mtime) : std::nullopt;
    if (gz) {
        out.size = fs::file_size(*gz, ec);
        if (ec || out.size > kMaxStaticFileBytes) return FileResult{};
        out.gzip = true;
        out.etag.insert(out.etag.size() - 1, "-gz");
    }

    // RFC 9110 §13.2.2: If-None-Match wins over If-Modified-Since.
    bool not_modified = false;
    if (!q.if_none_match.empty()) {
        not_modified = etag_matches(q.if_none_match, out.etag);
    } else if (!q.if_modified_since.empty()) {
        auto since = parse_http_date(q.if_modified_since);
        not_modified = since && secs.time_since_epoch().count() <= *since;
    }
    if (not_modified) {
        out.status = bhttp::status::not_modified;
        return out;
    }
    out.status = bhttp::status::ok;
    if (q.head) return out;
    std::unique_ptr<std::FILE, FileClose> f(std::fopen((gz ? *gz : canon).c_str(), "rb"));
    if (!f) return FileResult{};
    out.body.resize(out.size);
    if (out.size > 0 && std::fread(out.body.data(), 1, out.size, f.get()) != out.size) {
        return FileResult{};
    }
    return out;
}

// Runs load() on `pool` and completes on the handler's executor (the session strand), keeping
// that executor's work count up meanwhile so its io_context does not run dry.
template <class Token>
auto async_load(net::thread_pool& pool, FileQuery query, Token&& token) {
    auto init = [&pool](auto handler, FileQuery q) {
        auto ex = net::prefer(net::get_associated_executor(handler),
                              net::execution::outstanding_work.tracked);
        net::post(pool, [h = std::move(handler), q = std::move(q), ex]() mutable {
            auto result = load(q);
            net::post(ex, [h = std::move(h), result = std::move(result)]() mutable {
                std::move(h)(std::move(result));
            });
        });
    };
    return net::async_initiate<Token, void(FileResult)>(init, token, std::move(query));
}

bool unsafe_path(std::string_view path) {
    if (path.find('\\') != std::string_view::npos) return true;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        auto seg = path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
        if (seg == "..") return true;
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return false;
}

std::string header_copy(const RawRequest& req, bhttp::field f) {
    auto it = req.find(f);
    return it == req.end() ? std::string{} : std::string(it->value());
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
    while (!accept_encoding.empty()) {
        auto comma = accept_encoding.find(',');
        auto item = accept_encoding.substr(0, comma);
        accept_encoding = comma == std::string_view::npos ? std::string_view{}
                                                          : accept_encoding.substr(comma + 1);
        auto semi = item.find(';');
        auto name = item.substr(0, semi);
        while (!name.empty() && (name.front() == ' ' || name.front() == '\t'))
            name.remove_prefix(1);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
            name.remove_suffix(1);
        const bool gzip =
            name.size() == 4 && std::equal(name.begin(), name.end(), "gzip", [](char x, char y) {
                return std::tolower(static_cast<unsigned char>(x)) == y;
            });
        if (!gzip) continue;
        if (semi == std::string_view::npos) return true;
        // "gzip;q=0" (or 0.0, 0.00, 0.000) refuses it; any other weight takes it.
        auto params = item.substr(semi + 1);
        auto q = params.find("q=");
        if (q == std::string_view::npos) return true;
        auto v = params.substr(q + 2);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
            v.remove_suffix(1);
        return !(v == "0" || v == "0." || v == "0.0" || v == "0.00" || v == "0.000");
    }
    return false;
}

std::string_view content_type_for(std::string_view path) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kTypes{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".wasm", "application/wasm"},
        {".map", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
        {".m3u8", "application/vnd.apple.mpegurl"},
        {".mp4", "video/mp4"},
        {".m4s", "video/iso.segment"},
    }};
    auto dot = path.rfind('.');
    if (dot != std::string_view::npos && path.find('/', dot) == std::string_view::npos) {
        auto ext = path.substr(dot);
        for (const auto& [e, type] : kTypes) {
            if (ext.size() == e.size() &&
                std::equal(ext.begin(), ext.end(), e.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) == b;
                })) {
                return type;
            }
        }
    }
    return "application/octet-stream";
}

std::optional<std::int64_t> parse_http_date(std::string_view s) {
    // IMF-fixdate only (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
    static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT") return std::nullopt;
    auto num = [&](std::size_t pos, std::size_t len, int& v) {
        v = 0;
        for (std::size_t i = pos; i < pos + len; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            v = v * 10 + (s[i] - '0');
        }
        return true;
    };
    int d = 0, y = 0, h = 0, mi = 0, se = 0;
    auto mon = kMonths.find(s.substr(8, 3));
    if (!num(5, 2, d) || mon == std::string_view::npos || mon % 3 != 0 || !num(12, 4, y) ||
        !num(17, 2, h) || !num(20, 2, mi) || !num(23, 2, se) || s[19] != ':' || s[22] != ':') {
        return std::nullopt;
    }
    using namespace std::chrono;
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mon / 3 + 1)},
                       day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return std::nullopt;
    auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{se};
    return duration_cast<seconds>(t.time_since_epoch()).count();
}

StaticFiles::StaticFiles(const std::string& web_root) {
    std::error_code ec;
    root_ = fs::weakly_canonical(fs::absolute(web_root, ec), ec);
}

StaticFiles::~StaticFiles() {
    shutdown();
}

void StaticFiles::shutdown() {
    pool_.stop();
    pool_.join();
}

bool StaticFiles::eligible(bhttp::verb method, std::string_view path) {
    if (method != bhttp::verb::get && method != bhttp::verb::head) return false;
    for (std::string_view prefix : {"/api/", "/hls/"}) {
        if (path.substr(0, prefix.size()) == prefix) return false;
    }
    return path != "/api" && path != "/hls" && path != "/metrics" && path != "/healthz";
}

net::awaitable<Response> StaticFiles::serve(const RawRequest& req, std::string_view path) {
    if (unsafe_path(path)) {
        co_return error_response(req, bhttp::status::bad_request, "bad_request", "invalid path");
    }
    FileQuery q{root_,
                std::string(path.substr(1)),
                req.method() == bhttp::verb::head,
                header_copy(req, bhttp::field::if_none_match),
                header_copy(req, bhttp::field::if_modified_since),
                accepts_gzip(header_copy(req, bhttp::field::accept_encoding))};
    FileResult r = co_await async_load(pool_, std::move(q), net::use_awaitable);
    if (r.status == bhttp::status::not_found) {
        co_return error_response(req, bhttp::status::not_found, "not_found", "no such file");
    }
    Response res{r.status, req.version()};
    if (r.status == bhttp::status::ok)
        res.set(bhttp::field::content_type, content_type_for(r.file));
    res.set(bhttp::field::etag, r.etag);
    // Text the build compressed: the answer depends on Accept-Encoding.
    res.set(bhttp::field::vary, "Accept-Encoding");
    if (r.gzip) res.set(bhttp::field::content_encoding, "gzip");
    res.set(bhttp::field::last_modified, r.last_modified);
    bool hashed = !r.fallback && path.substr(0, 8) == "/assets/";
    res.set(bhttp::field::cache_control,
            hashed ? "public, max-age=31536000, immutable" : "no-cache");
    res.keep_alive(req.keep_alive());
    if (r.status == bhttp::status::ok) {
        res.body().assign(std::move(r.body));
        res.content_length(r.size);  // also for HEAD, where the body stays empty
    }
    co_return res;
}

}  // namespace nchat::http::detail
