// The client message decoder as a table: good frames and their fields, bad frames and the
// error each gets (docs/realtime.md, Errors); and the envelopes the server sends.
#include "realtime/protocol.hpp"

#include <string>

#include <gtest/gtest.h>

namespace nchat::realtime::protocol {
namespace {

using nlohmann::json;

struct Bad {
    std::string text;
    std::string_view code;
    std::string field;
};

class BadFrames : public ::testing::TestWithParam<Bad> {};

TEST_P(BadFrames, AreRefusedWithTheirCode) {
    const auto& b = GetParam();
    auto d = decode(b.text);
    ASSERT_FALSE(d.request) << b.text;
    EXPECT_EQ(d.error.code, b.code) << b.text;
    EXPECT_EQ(d.error.field, b.field) << b.text;
    EXPECT_FALSE(d.error.message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    BadFrames,
    ::testing::Values(
        Bad{"", code::kBadMessage, ""},
        Bad{"not json", code::kBadMessage, ""},
        Bad{"{\"type\":\"ping\"", code::kBadMessage, ""},  // truncated
        Bad{"[1,2,3]", code::kBadMessage, ""},
        Bad{"\"subscribe\"", code::kBadMessage, ""},
        Bad{"42", code::kBadMessage, ""},
        Bad{"{}", code::kBadMessage, "type"},
        Bad{R"({"type":7})", code::kBadMessage, "type"},
        Bad{R"({"type":null})", code::kBadMessage, "type"},
        Bad{R"({"type":"chat.shout","streamId":"s"})", code::kUnknownType, "type"},
        Bad{R"({"type":"SUBSCRIBE","streamId":"s"})", code::kUnknownType, "type"},
        Bad{R"({"type":"subscribe"})", code::kValidationFailed, "streamId"},
        Bad{R"({"type":"subscribe","streamId":""})", code::kValidationFailed, "streamId"},
        Bad{R"({"type":"subscribe","streamId":12})", code::kValidationFailed, "streamId"},
        Bad{R"({"type":"subscribe","streamId":"s","lastMessageId":5})", code::kValidationFailed,
            "lastMessageId"},
        Bad{R"({"type":"subscribe","streamId":")" + std::string(200, 'a') + "\"}",
            code::kValidationFailed, "streamId"},
        Bad{R"({"type":"auth"})", code::kValidationFailed, "token"},
        Bad{R"({"type":"auth","token":""})", code::kValidationFailed, "token"},
        Bad{R"({"type":"chat.send","streamId":"s"})", code::kValidationFailed, "content"},
        Bad{R"({"type":"chat.send","streamId":"s","content":["hi"]})", code::kValidationFailed,
            "content"},
        Bad{R"({"type":"chat.send","streamId":"s","content":"hi","isQuestion":"yes"})",
            code::kValidationFailed, "isQuestion"},
        Bad{R"({"type":"reaction.send","streamId":"s"})", code::kValidationFailed, "emoji"},
        Bad{R"({"type":"reaction.send","streamId":"s","emoji":"x","positionX":"10"})",
            code::kValidationFailed, "positionX"},
        Bad{R"({"type":"chat.delete","streamId":"s"})", code::kValidationFailed, "messageId"},
        Bad{R"({"type":"chat.pin","streamId":"s","messageId":true})", code::kValidationFailed,
            "messageId"},
        Bad{R"({"type":"user.ban","streamId":"s"})", code::kValidationFailed, "userId"},
        Bad{R"({"type":"user.ban","streamId":"s","userId":"u","durationSeconds":1.5})",
            code::kValidationFailed, "durationSeconds"},
        Bad{R"({"type":"user.ban","streamId":"s","userId":"u","durationSeconds":99999999999})",
            code::kValidationFailed, "durationSeconds"},
        Bad{R"({"type":"slowmode.set","streamId":"s"})", code::kValidationFailed, "seconds"},
        Bad{R"({"type":"question.vote","streamId":"s"})", code::kValidationFailed, "questionId"},
        Bad{R"({"type":"question.update","streamId":"s","questionId":"q"})",
            code::kValidationFailed, "status"},
        Bad{R"({"type":"ping","id":{"a":1}})", code::kValidationFailed, "id"},
        Bad{R"({"type":"ping","id":1.5})", code::kValidationFailed, "id"},
        Bad{R"({"type":"ping","id":")" + std::string(65, 'i') + "\"}", code::kValidationFailed,
            "id"}));

TEST(ProtocolDecode, ErrorsEchoTheIdAndStreamWhenTheyCouldBeRead) {
    auto d = decode(R"({"type":"chat.send","id":"r-7","streamId":"s1"})");
    ASSERT_FALSE(d.request);
    EXPECT_EQ(d.error.id, json("r-7"));
    EXPECT_EQ(d.error.stream_id, "s1");
    d = decode(R"({"type":"nope","id":42})");
    EXPECT_EQ(d.error.id, json(42));
    d = decode("nope");
    EXPECT_TRUE(d.error.id.is_null());
}

TEST(ProtocolDecode, Subscribe) {
    auto d = decode(R"({"type":"subscribe","streamId":"abc","id":1})");
    ASSERT_TRUE(d.request);
    EXPECT_EQ(d.request->type, RequestType::subscribe);
    EXPECT_EQ(d.request->stream_id, "abc");
    EXPECT_EQ(d.request->id, json(1));
    EXPECT_FALSE(d.request->last_message_id);

    d = decode(R"({"type":"subscribe","streamId":"abc","lastMessageId":"m9"})");
    ASSERT_TRUE(d.request);
    ASSERT_TRUE(d.request->last_message_id);
    EXPECT_EQ(*d.request->last_message_id, "m9");
    EXPECT_TRUE(d.request->id.is_null());

    d = decode(R"({"type":"subscribe","streamId":"abc","lastMessageId":null})");
    ASSERT_TRUE(d.request);
    EXPECT_FALSE(d.request->last_message_id);
}

TEST(ProtocolDecode, ChatAndReactions) {
    auto d = decode(R"({"type":"chat.send","streamId":"s","content":"héllo 👋","isQuestion":true})");
    ASSERT_TRUE(d.request);
    EXPECT_EQ(d.request->type, RequestType::chat_send);
    EXPECT_EQ(d.request->content, "héllo 👋");
    EXPECT_TRUE(d.request->is_question);

    d = decode(
        R"({"type":"reaction.send","streamId":"s","emoji":"🔥","positionX":12.5,"positionY":0})");
    ASSERT_TRUE(d.request);
    EXPECT_EQ(d.request->emoji, "🔥");
    EXPECT_DOUBLE_EQ(*d.request->position_x, 12.5);
    EXPECT_DOUBLE_EQ(*d.request->position_y, 0);

    d = decode(R"({"type":"reaction.send","streamId":"s","emoji":"🔥"})");
    ASSERT_TRUE(d.request);
    EXPECT_FALSE(d.request->position_x);
    EXPECT_FALSE(d.request->position_y);
}

TEST(ProtocolDecode, Moderation) {
    auto d = decode(
        R"({"type":"user.ban","streamId":"s","userId":"u1","durationSeconds":60,"reason":"spam"})");
    ASSERT_TRUE(d.request);
    EXPECT_EQ(d.request->type, RequestType::user_ban);
    EXPECT_EQ(d.request->user_id, "u1");
    EXPECT_EQ(d.request->duration_seconds, 60);
    EXPECT_EQ(d.request->reason, "spam");

    d = decode(R"({"type":"user.ban","streamId":"s","userId":"u1"})");
    ASSERT_TRUE(d.request);
    EXPECT_FALSE(d.request->duration_seconds);

    for (auto [text, type] :
         {std::pair{R"({"type":"chat.delete","streamId":"s","messageId":"m"})",
                    RequestType::chat_delete},
          {R"({"type":"chat.pin","streamId":"s","messageId":"m"})", RequestType::chat_pin},
          {R"({"type":"chat.unpin","streamId":"s","messageId":"m"})", RequestType::chat_unpin}}) {
        d = decode(text);
        ASSERT_TRUE(d.request) << text;
        EXPECT_EQ(d.request->type, type);
        EXPECT_EQ(d.request->message_id, "m");
    }
    d = decode(R"({"type":"chat.clear","streamId":"s"})");
    ASSERT_TRUE(d.request);
    EXPECT_EQ(d.request->type, RequestType::chat_clear);
    d = decode(R"({"type":"user.unban","streamId":"s","userId":"u"})");
    ASSERT_TRUE(d.request);
    EXPECT_EQ(d.request->type, RequestType::user_unban);
    d = decode(R"({"type":"slowmode.set","streamId":"s","seconds":30})");
    ASSERT_TRUE(d.request);
    EXPECT_EQ(d.request->seconds, 30);
    d = decode(R"({"type":"question.vote","streamId":"s","questionId":"q","up":false})");
    ASSERT_TRUE(d.request);
    EXPECT_FALSE(d.request->up);
    d = decode(R"({"type":"question.update","streamId":"s","questionId":"q","status":"answered"})");
    ASSERT_TRUE(d.request);
    EXPECT_EQ(d.request->status, "answered");
}

TEST(ProtocolDecode, AuthAndPingNeedNoStream) {
    auto d = decode(R"({"type":"auth","token":"ncl_abc"})");
    ASSERT_TRUE(d.request);
    EXPECT_EQ(d.request->token, "ncl_abc");
    EXPECT_FALSE(needs_principal(RequestType::auth));
    d = decode(R"({"type":"ping","id":"p"})");
    ASSERT_TRUE(d.request);
    EXPECT_EQ(d.request->type, RequestType::ping);
    EXPECT_TRUE(needs_principal(RequestType::chat_send));
    EXPECT_FALSE(needs_principal(RequestType::subscribe));
}

TEST(ProtocolDecode, UnknownFieldsAreIgnoredAndDeepNestingIsNotBuilt) {
    auto d = decode(R"({"type":"ping","extra":{"a":[1,2,{"b":3}]}})");
    ASSERT_TRUE(d.request);
    std::string deep =
        R"({"type":"ping","x":)" + std::string(5000, '[') + std::string(5000, ']') + "}";
    d = decode(deep);
    ASSERT_TRUE(d.request);  // discarded while parsing, never a stack of 5000 arrays
}

TEST(ProtocolEncode, Envelopes) {
    Event e{"s1", "chat.message", json{{"id", "m1"}, {"content", "hi"}}, std::nullopt};
    auto j = json::parse(encode_event(e));
    EXPECT_EQ(j, (json{{"type", "chat.message"}, {"streamId", "s1"}, {"data", e.data}}));

    j = json::parse(encode_event("hello", "", json{{"version", 1}}));
    EXPECT_FALSE(j.contains("streamId"));

    j = json::parse(encode_error(json("r1"), "s1", "rate_limited", "slow down", "", 2));
    EXPECT_EQ(j["type"], "error");
    EXPECT_EQ(j["id"], "r1");
    EXPECT_EQ(j["streamId"], "s1");
    EXPECT_EQ(j["data"]["code"], "rate_limited");
    EXPECT_EQ(j["data"]["message"], "slow down");
    EXPECT_EQ(j["data"]["retryAfter"], 2);
    EXPECT_FALSE(j["data"].contains("field"));

    j = json::parse(encode_error(json(), "", "bad_message", "not valid JSON", "x"));
    EXPECT_FALSE(j.contains("id"));
    EXPECT_FALSE(j.contains("streamId"));
    EXPECT_EQ(j["data"]["field"], "x");

    j = json::parse(encode_ack(json(7), RequestType::chat_send, "s1", json{{"id", "m"}}));
    EXPECT_EQ(j, (json{{"type", "ack"},
                       {"id", 7},
                       {"for", "chat.send"},
                       {"streamId", "s1"},
                       {"data", {{"id", "m"}}}}));
}

TEST(ProtocolEncode, InvalidUtf8IsReplacedNotThrown) {
    auto text = encode_error(json(), "", "bad_message", std::string("bad \xff byte"));
    auto j = json::parse(text);
    EXPECT_EQ(j["data"]["message"], "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace nchat::realtime::protocol
