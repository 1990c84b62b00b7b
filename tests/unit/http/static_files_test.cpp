#include "http/detail/static_files.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "unit/http/server_fixture.hpp"

namespace nchat::http::detail {
namespace {

TEST(StaticFilesHelpers, ContentTypes) {
    EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(content_type_for("app.3f2a.JS"), "text/javascript; charset=utf-8");
    EXPECT_EQ(content_type_for("x.woff2"), "font/woff2");
    EXPECT_EQ(content_type_for("p.m3u8"), "application/vnd.apple.mpegurl");
    EXPECT_EQ(content_type_for("README"), "application/octet-stream");
    EXPECT_EQ(content_type_for("dir.d/file"), "application/octet-stream");
}

TEST(StaticFilesHelpers, ParsesImfFixdate) {
    EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
    EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), std::nullopt);
    EXPECT_EQ(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"), std::nullopt);
    EXPECT_EQ(parse_http_date(""), std::nullopt);
}

TEST(StaticFilesHelpers, AcceptsGzip) {
    EXPECT_TRUE(accepts_gzip("gzip, deflate, br, zstd"));  // Chromium's
    EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.8"));
    EXPECT_FALSE(accepts_gzip(""));
    EXPECT_FALSE(accepts_gzip("identity"));
    EXPECT_FALSE(accepts_gzip("br, gzip;q=0"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0.000"));
    EXPECT_FALSE(accepts_gzip("x-gzip2"));
}

TEST(StaticFilesHelpers, Eligibility) {
    using bhttp::verb;
    EXPECT_TRUE(StaticFiles::eligible(verb::get, "/"));
    EXPECT_TRUE(StaticFiles::eligible(verb::head, "/assets/a.js"));
    EXPECT_FALSE(StaticFiles::eligible(verb::post, "/index.html"));
    EXPECT_FALSE(StaticFiles::eligible(verb::get, "/api/x"));
    EXPECT_FALSE(StaticFiles::eligible(verb::get, "/hls/s/x.m3u8"));
    EXPECT_FALSE(StaticFiles::eligible(verb::get, "/metrics"));
    EXPECT_FALSE(StaticFiles::eligible(verb::get, "/healthz"));
}

}  // namespace
}  // namespace nchat::http::detail

namespace nchat::http::test {
namespace {

using bhttp::field;
using bhttp::status;
namespace fs = std::filesystem;

class StaticFilesTest : public ServerFixture {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() /
                ("nchat-static-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(root_ / "assets");
        write(root_ / "index.html", "<!doctype html><title>app</title>");
        write(root_ / "assets" / "app.3f2a.js", "console.log(1)");
        write(root_ / "robots.txt", "User-agent: *");
        router_.add(bhttp::verb::get, "/api/x", [](Request& req) -> net::awaitable<Response> {
            co_return json_response(req, status::ok, "{}");
        });
        ServerOptions o;
        o.web_root = root_.string();
        start_server(o);
    }
    void TearDown() override {
        ServerFixture::TearDown();
        fs::remove_all(root_);
    }
    static void write(const fs::path& p, std::string_view text) {
        std::ofstream(p, std::ios::binary) << text;
    }
    ClientResponse get(std::string_view target, std::string_view extra = {}) {
        return roundtrip("GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n" +
                         std::string(extra) + "\r\n");
    }
    fs::path root_;
};

TEST_F(StaticFilesTest, ServesWithTypeAndCaching) {
    auto js = get("/assets/app.3f2a.js");
    EXPECT_EQ(js.result(), status::ok);
    EXPECT_EQ(js.body(), "console.log(1)");
    EXPECT_EQ(js[field::content_type], "text/javascript; charset=utf-8");
    EXPECT_EQ(js[field::cache_control], "public, max-age=31536000, immutable");
    EXPECT_EQ(js[field::etag].substr(0, 3), "W/\"");
    EXPECT_FALSE(js[field::last_modified].empty());

    auto root = get("/");
    EXPECT_EQ(root.result(), status::ok);
    EXPECT_EQ(root[field::content_type], "text/html; charset=utf-8");
    EXPECT_EQ(root[field::cache_control], "no-cache");
    EXPECT_EQ(get("/robots.txt")[field::content_type], "text/plain; charset=utf-8");
}

TEST_F(StaticFilesTest, AFreshGzipSiblingIsServedToWhoTakesGzip) {
    write(root_ / "assets" / "app.3f2a.js.gz", "pretend-gzip");
    auto gz = get("/assets/app.3f2a.js", "Accept-Encoding: gzip, deflate, br\r\n");
    EXPECT_EQ(gz.result(), status::ok);
    EXPECT_EQ(gz.body(), "pretend-gzip");
    EXPECT_EQ(gz[field::content_encoding], "gzip");
    EXPECT_EQ(gz[field::content_type], "text/javascript; charset=utf-8");
    EXPECT_EQ(gz[field::vary], "Accept-Encoding");
    auto plain = get("/assets/app.3f2a.js");
    EXPECT_EQ(plain.body(), "console.log(1)");
    EXPECT_TRUE(plain[field::content_encoding].empty());
    EXPECT_EQ(plain[field::vary], "Accept-Encoding");
    EXPECT_NE(plain[field::etag], gz[field::etag]) << "two representations, two validators";
    EXPECT_EQ(get("/assets/app.3f2a.js", "Accept-Encoding: gzip;q=0\r\n").body(), "console.log(1)");
    // Its own validator revalidates it.
    auto again =
        get("/assets/app.3f2a.js",
            "Accept-Encoding: gzip\r\nIf-None-Match: " + std::string(gz[field::etag]) + "\r\n");
    EXPECT_EQ(again.result(), status::not_modified);

    // A .gz older than its file (the file was rebuilt, the .gz not) is never served.
    std::filesystem::last_write_time(
        root_ / "assets" / "app.3f2a.js.gz",
        std::filesystem::last_write_time(root_ / "assets" / "app.3f2a.js") - std::chrono::hours(1));
    auto stale = get("/assets/app.3f2a.js", "Accept-Encoding: gzip\r\n");
    EXPECT_EQ(stale.body(), "console.log(1)");
    EXPECT_TRUE(stale[field::content_encoding].empty());
}

TEST_F(StaticFilesTest, ConditionalRequestsGive304) {
    auto first = get("/robots.txt");
    auto etag = std::string(first[field::etag]);
    auto by_etag = get("/robots.txt", "If-None-Match: " + etag + "\r\n");
    EXPECT_EQ(by_etag.result(), status::not_modified);
    EXPECT_TRUE(by_etag.body().empty());
    EXPECT_EQ(by_etag[field::etag], etag);
    auto by_date = get("/robots.txt",
                       "If-Modified-Since: " + std::string(first[field::last_modified]) + "\r\n");
    EXPECT_EQ(by_date.result(), status::not_modified);
    EXPECT_EQ(get("/robots.txt", "If-None-Match: W/\"other\"\r\n").result(), status::ok);
}

TEST_F(StaticFilesTest, SinglePageAppFallback) {
    auto route = get("/streams/abc");
    EXPECT_EQ(route.result(), status::ok);
    EXPECT_EQ(route.body(), "<!doctype html><title>app</title>");
    EXPECT_EQ(route[field::cache_control], "no-cache");
    EXPECT_EQ(get("/missing.png").result(), status::not_found);
    EXPECT_EQ(get("/api/unknown").result(), status::not_found);  // never the app for /api/
}

TEST_F(StaticFilesTest, RefusesTraversal) {
    for (const char* target :
         {"/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd",
          "/a%5c..%5c..%5cetc/passwd", "/index.html%00.png"}) {
        auto res = get(target);
        EXPECT_TRUE(res.result() == status::bad_request || res.result() == status::not_found)
            << target << " " << res.result_int();
        EXPECT_EQ(res.body().find("root:"), std::string::npos) << target;
    }
}

TEST_F(StaticFilesTest, HeadHasLengthWithoutBody) {
    auto res = roundtrip("HEAD /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n", true);
    EXPECT_EQ(res.result(), status::ok);
    EXPECT_EQ(res[field::content_length], "13");
    EXPECT_TRUE(res.body().empty());
}

}  // namespace
}  // namespace nchat::http::test
