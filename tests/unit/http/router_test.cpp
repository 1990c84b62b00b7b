#include "http/router.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace nchat::http {
namespace {

using bhttp::verb;

Handler tagged(int) {
    return [](Request& req) -> net::awaitable<Response> {
        co_return json_response(req, bhttp::status::ok, "{}");
    };
}

class RouterTest : public ::testing::Test {
protected:
    void SetUp() override {
        router_.add(verb::get, "/api/streams", tagged(1));
        router_.add(verb::post, "/api/streams/create", tagged(2));
        router_.add(verb::get, "/api/streams/{id}", tagged(3));
        router_.add(verb::patch, "/api/streams/{id}", tagged(4));
        router_.add(verb::get, "/api/streams/live", tagged(5));
        router_.add(verb::get, "/hls/{streamId}/{file*}", tagged(6));
        router_.add(verb::get, "/", tagged(7));
    }
    Router router_;
};

TEST_F(RouterTest, MatchesLiteralRoute) {
    auto m = router_.match(verb::get, "/api/streams");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.pattern, "/api/streams");
    EXPECT_TRUE(m.params.empty());
}

TEST_F(RouterTest, CapturesParameters) {
    auto m = router_.match(verb::get, "/api/streams/abc-123");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.pattern, "/api/streams/{id}");
    EXPECT_EQ(m.params.at("id"), "abc-123");
}

TEST_F(RouterTest, LiteralBeatsParameter) {
    auto m = router_.match(verb::get, "/api/streams/live");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.pattern, "/api/streams/live");
    EXPECT_TRUE(m.params.empty());
}

TEST_F(RouterTest, MethodDecidesBetweenLiteralAndParameter) {
    // Only POST is registered on the literal: a GET there is the {id} route.
    auto m = router_.match(verb::get, "/api/streams/create");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.pattern, "/api/streams/{id}");
    EXPECT_EQ(m.params.at("id"), "create");
}

TEST_F(RouterTest, RestCaptureTakesTheRemainingPath) {
    auto m = router_.match(verb::get, "/hls/s1/720p/part12.m4s");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.params.at("streamId"), "s1");
    EXPECT_EQ(m.params.at("file"), "720p/part12.m4s");
    EXPECT_EQ(router_.match(verb::get, "/hls/s1/").handler, nullptr);
    EXPECT_EQ(router_.match(verb::get, "/hls/s1").handler, nullptr);
}

TEST_F(RouterTest, WrongMethodReportsAllowList) {
    auto m = router_.match(verb::delete_, "/api/streams/x");
    EXPECT_EQ(m.handler, nullptr);
    EXPECT_TRUE(m.path_matched);
    EXPECT_EQ(m.pattern, "/api/streams/{id}");
    std::vector<verb> allow = m.allow;
    std::sort(allow.begin(), allow.end());
    std::vector<verb> want{verb::get, verb::patch};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(allow, want);
}

TEST_F(RouterTest, UnknownPathDoesNotMatch) {
    for (const char* p : {"/api", "/api/streams/a/b", "/api/streams/", "/nope", "", "api"}) {
        auto m = router_.match(verb::get, p);
        EXPECT_EQ(m.handler, nullptr) << p;
        EXPECT_FALSE(m.path_matched) << p;
        EXPECT_TRUE(m.allow.empty()) << p;
    }
}

TEST_F(RouterTest, RootRoute) {
    auto m = router_.match(verb::get, "/");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.pattern, "/");
}

TEST_F(RouterTest, MatchesTheDecodedPath) {
    // The server decodes before matching: a parameter may hold any character but '/'.
    auto m = router_.match(verb::get, "/api/streams/a b%");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.params.at("id"), "a b%");
}

TEST(RouterPatterns, RejectsMalformedPatterns) {
    Router r;
    EXPECT_THROW(r.add(verb::get, "api", tagged(0)), std::invalid_argument);
    EXPECT_THROW(r.add(verb::get, "/a/{rest*}/b", tagged(0)), std::invalid_argument);
}

TEST(RouterUpgrade, ReportsUpgradeHandler) {
    Router r;
    r.add_upgrade("/api/realtime", [](Upgrade&&) {});
    auto m = r.match(verb::get, "/api/realtime");
    EXPECT_EQ(m.handler, nullptr);
    EXPECT_NE(m.upgrade, nullptr);
    r.add(verb::get, "/api/realtime", tagged(0));
    m = r.match(verb::get, "/api/realtime");
    EXPECT_NE(m.handler, nullptr);
    EXPECT_NE(m.upgrade, nullptr);
}

class RequestTest : public ::testing::Test {
protected:
    RawRequest raw_{verb::get, "/x?a=1", 11};
    Request req_{raw_, "/x", "", {}, "127.0.0.1:1", "/x"};
};

TEST_F(RequestTest, QueryParametersAreDecoded) {
    req_.query = "q=hello+world&name=%C3%A9t%C3%A9&empty=&flag&a%20b=c&q=second&bad=%zz";
    EXPECT_EQ(req_.query_param("q"), "hello world");  // the first value
    EXPECT_EQ(req_.query_param("name"), "\xC3\xA9t\xC3\xA9");
    EXPECT_EQ(req_.query_param("empty"), "");
    EXPECT_EQ(req_.query_param("flag"), "");
    EXPECT_EQ(req_.query_param("a b"), "c");
    EXPECT_EQ(req_.query_param("bad"), "%zz");
    EXPECT_EQ(req_.query_param("missing"), std::nullopt);
}

TEST_F(RequestTest, HeadersAndParams) {
    raw_.set(bhttp::field::authorization, "Bearer t");
    raw_.set("X-Custom", "v");
    req_.params.emplace("id", "42");
    EXPECT_EQ(req_.header(bhttp::field::authorization), "Bearer t");
    EXPECT_EQ(req_.header("x-custom"), "v");
    EXPECT_EQ(req_.header("absent"), "");
    EXPECT_EQ(req_.param("id"), "42");
    EXPECT_EQ(req_.param("nope"), "");
}

TEST_F(RequestTest, ErrorResponseIsJson) {
    auto res = error_response(raw_, bhttp::status::bad_request, "validation_failed",
                              "title \"x\" is too long", "title");
    EXPECT_EQ(res.result(), bhttp::status::bad_request);
    EXPECT_EQ(res[bhttp::field::content_type], "application/json");
    EXPECT_TRUE(res.keep_alive());
    auto j = nlohmann::json::parse(res.body().owned);
    EXPECT_EQ(j["error"]["code"], "validation_failed");
    EXPECT_EQ(j["error"]["message"], "title \"x\" is too long");
    EXPECT_EQ(j["error"]["field"], "title");
    EXPECT_EQ(res[bhttp::field::content_length], std::to_string(res.body().size()));

    raw_.keep_alive(false);
    auto plain = error_response(raw_, bhttp::status::not_found, "not_found", "gone");
    EXPECT_FALSE(nlohmann::json::parse(plain.body().owned)["error"].contains("field"));
    EXPECT_FALSE(plain.keep_alive());
}

TEST_F(RequestTest, JsonResponse) {
    auto res = json_response(req_, bhttp::status::created, R"({"id":"1"})");
    EXPECT_EQ(res.result(), bhttp::status::created);
    EXPECT_EQ(res[bhttp::field::content_type], "application/json");
    EXPECT_EQ(res.body().owned, R"({"id":"1"})");
}

TEST(RawQueryParam, FirstValueUndecoded) {
    EXPECT_EQ(raw_query_param("_HLS_msn=5&_HLS_part=2&_HLS_msn=7", "_HLS_msn"), "5");
    EXPECT_EQ(raw_query_param("a&_HLS_skip=YES", "_HLS_skip"), "YES");
    EXPECT_EQ(raw_query_param("a&b=1", "a"), "");
    EXPECT_EQ(raw_query_param("a%41=1", "aA"), std::nullopt);  // not decoded
    EXPECT_EQ(raw_query_param("", "a"), std::nullopt);
    EXPECT_EQ(raw_query_param("ab=1", "a"), std::nullopt);
}

}  // namespace
}  // namespace nchat::http
