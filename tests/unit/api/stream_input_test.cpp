#include "api/stream_input.hpp"

#include <gtest/gtest.h>

#include "api/validation.hpp"
#include "util/time.hpp"

namespace nchat::api {
namespace {

constexpr const char* kChannel = "5d6f0a52-8f5e-4f0b-a8e6-0c4c2b5d9e11";

std::string body(const std::string& extra) {
    return std::string(R"({"channelId":")") + kChannel + R"(","title":"Hi")" + extra + "}";
}

std::string field_of(const std::string& json) {
    try {
        parse_create_stream(json);
    } catch (const ValidationError& e) {
        return e.field;
    }
    return "<accepted>";
}

TEST(CreateStreamInput, DefaultsFollowTheSchema) {
    auto in = parse_create_stream(body(""));
    EXPECT_EQ(in.channel_id, kChannel);
    EXPECT_EQ(in.title, "Hi");
    EXPECT_EQ(in.max_resolution, "1080p");
    EXPECT_EQ(in.chat_mode, "open");
    EXPECT_TRUE(in.enable_chat);
    EXPECT_TRUE(in.enable_reactions);
    EXPECT_FALSE(in.enable_qa);
    EXPECT_FALSE(in.is_private);
    EXPECT_FALSE(in.hide_viewer_list);
    EXPECT_FALSE(in.description);
    EXPECT_FALSE(in.scheduled_at);
}

TEST(CreateStreamInput, ReadsEveryField) {
    auto in = parse_create_stream(body(
        R"(,"description":"line1\nline2","thumbnailUrl":"https://cdn.example/t.png",)"
        R"("scheduledAt":"2026-12-01T18:00:00+01:00","maxResolution":"480p","enableChat":false,)"
        R"("enableReactions":false,"enableQa":true,"chatMode":"subscribers",)"
        R"("tags":[" a ","b","a"],"isPrivate":true,"hideViewerList":true)"));
    EXPECT_EQ(in.description, "line1\nline2");
    EXPECT_EQ(in.thumbnail_url, "https://cdn.example/t.png");
    ASSERT_TRUE(in.scheduled_at);
    EXPECT_EQ(util::format_iso8601(*in.scheduled_at), "2026-12-01T17:00:00.000Z");
    EXPECT_EQ(in.max_resolution, "480p");
    EXPECT_FALSE(in.enable_chat);
    EXPECT_TRUE(in.enable_qa);
    EXPECT_EQ(in.chat_mode, "subscribers");
    EXPECT_EQ(in.tags, (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(in.is_private);
    EXPECT_TRUE(in.hide_viewer_list);
}

TEST(CreateStreamInput, TitleLengthIsCountedInCodePoints) {
    std::string emoji200;
    for (int i = 0; i < 200; ++i)
        emoji200 += "\xF0\x9F\x98\x80";
    std::string json =
        std::string(R"({"channelId":")") + kChannel + R"(","title":")" + emoji200 + "\"}";
    EXPECT_EQ(parse_create_stream(json).title, emoji200);  // 800 bytes, 200 characters
    json = std::string(R"({"channelId":")") + kChannel + R"(","title":")" + emoji200 + "x\"}";
    EXPECT_EQ(field_of(json), "title");
}

TEST(CreateStreamInput, NamesTheOffendingField) {
    EXPECT_EQ(field_of(R"({"title":"x"})"), "channelId");
    EXPECT_EQ(field_of(body(R"(,"maxResolution":"4k")")), "maxResolution");
    EXPECT_EQ(field_of(body(R"(,"enableChat":"true")")), "enableChat");
    EXPECT_EQ(field_of(body(R"(,"scheduledAt":"2026-12-01")")), "scheduledAt");
    EXPECT_EQ(field_of(body(R"(,"thumbnailUrl":"file:///etc/passwd")")), "thumbnailUrl");
    EXPECT_EQ(field_of(body(R"(,"tags":[""])")), "tags");
    EXPECT_EQ(field_of(body(R"(,"bogus":1)")), "bogus");
    EXPECT_EQ(field_of(body(R"(,"title":"a\u0007b")")), "title");
}

TEST(CreateStreamInput, RejectsNonObjects) {
    for (const char* s : {"", "   ", "[]", "1", "\"x\"", "null", "{", "{\"a\":}"}) {
        try {
            parse_create_stream(s);
            ADD_FAILURE() << "accepted " << s;
        } catch (const ValidationError& e) {
            EXPECT_EQ(e.code, "invalid_json") << s;
        }
    }
}

TEST(StreamPatch, SetsClearsAndLeavesAlone) {
    auto p = parse_stream_patch(R"({"title":"New","description":null,"tags":[]})");
    EXPECT_EQ(p.title, "New");
    ASSERT_TRUE(p.description);
    EXPECT_FALSE(*p.description);  // set to NULL
    ASSERT_TRUE(p.tags);
    EXPECT_TRUE(p.tags->empty());
    EXPECT_FALSE(p.thumbnail_url);  // untouched
    EXPECT_FALSE(p.enable_chat);
    EXPECT_FALSE(p.status);
}

TEST(StreamPatch, ReadOnlyFieldsAreRefusedByName) {
    for (const char* f : {"id", "status", "streamKey", "broadcasterId", "peakViewerCount"}) {
        try {
            parse_stream_patch(std::string("{\"") + f + "\":1}");
            ADD_FAILURE() << f;
        } catch (const ValidationError& e) {
            EXPECT_EQ(e.field, f);
            EXPECT_NE(std::string(e.what()).find("read-only"), std::string::npos);
        }
    }
}

}  // namespace
}  // namespace nchat::api
