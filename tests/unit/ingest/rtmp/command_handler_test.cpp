#include "ingest/rtmp/detail/command_handler.hpp"

#include <gtest/gtest.h>

namespace nchat::ingest::rtmp {
namespace {

Message cmd(std::uint32_t stream_id,
            const std::vector<Amf0Value>& values,
            std::uint8_t type = msg::kCommandAmf0) {
    Message m{3, 0, type, stream_id, {}};
    util::ByteWriter w(m.payload);
    for (const auto& v : values)
        encode_amf0(w, v);
    return m;
}

std::vector<Amf0Value> decoded(const Message& m) {
    auto v = decode_amf0_all(m.payload);
    EXPECT_TRUE(v);
    return v ? *v : std::vector<Amf0Value>{};
}

Message connect(const std::string& app) {
    return cmd(0, {Amf0Value::str("connect"), Amf0Value::num(1),
                   Amf0Value::object({{"app", Amf0Value::str(app)},
                                      {"flashVer", Amf0Value::str("FMLE/3.0 (compatible; Lavf)")},
                                      {"tcUrl", Amf0Value::str("rtmp://127.0.0.1/" + app)}})});
}

TEST(CommandHandler, FfmpegPublishSequence) {
    CommandHandler h;
    auto c = h.on_message(connect("live"));
    ASSERT_FALSE(c.close);
    ASSERT_EQ(c.replies.size(), 5u);
    EXPECT_EQ(c.replies[0].type, msg::kWindowAckSize);
    EXPECT_EQ(c.replies[1].type, msg::kSetPeerBandwidth);
    EXPECT_EQ(c.replies[2].type, msg::kSetChunkSize);
    EXPECT_EQ(c.replies[3].type, msg::kUserControl);
    auto result = decoded(c.replies[4]);
    ASSERT_EQ(result.size(), 4u);
    EXPECT_EQ(result[0].string, "_result");
    EXPECT_EQ(result[1].number, 1);
    EXPECT_EQ(result[3].get("code")->string, "NetConnection.Connect.Success");

    EXPECT_EQ(h.on_message(cmd(0, {Amf0Value::str("releaseStream"), Amf0Value::num(2),
                                   Amf0Value::null(), Amf0Value::str("k")}))
                  .replies.size(),
              1u);
    auto cs = h.on_message(
        cmd(0, {Amf0Value::str("createStream"), Amf0Value::num(4), Amf0Value::null()}));
    ASSERT_EQ(cs.replies.size(), 1u);
    auto cs_result = decoded(cs.replies[0]);
    EXPECT_EQ(cs_result[0].string, "_result");
    EXPECT_EQ(cs_result[3].number, 1);

    auto pub = h.on_message(cmd(1, {Amf0Value::str("publish"), Amf0Value::num(5), Amf0Value::null(),
                                    Amf0Value::str("secret-key?obs=1"), Amf0Value::str("live")}));
    ASSERT_TRUE(pub.publish);
    EXPECT_EQ(pub.publish->key, "secret-key");
    EXPECT_EQ(pub.publish->stream_id, 1u);
    EXPECT_TRUE(pub.replies.empty());  // the session answers after checking the key

    auto ok = h.accept_publish(*pub.publish);
    ASSERT_EQ(ok.size(), 2u);
    EXPECT_EQ(ok[0].type, msg::kUserControl);
    auto status = decoded(ok[1]);
    EXPECT_EQ(status[0].string, "onStatus");
    EXPECT_EQ(status[3].get("code")->string, "NetStream.Publish.Start");
    EXPECT_EQ(ok[1].stream_id, 1u);

    auto bad = h.reject_publish(*pub.publish, "NetStream.Publish.BadName", "no such stream key");
    EXPECT_EQ(decoded(bad[0])[3].get("level")->string, "error");

    EXPECT_TRUE(h.on_message(cmd(1, {Amf0Value::str("FCUnpublish"), Amf0Value::num(6),
                                     Amf0Value::null(), Amf0Value::str("k")}))
                    .unpublish);
}

TEST(CommandHandler, RefusesOtherApplicationsAndCommandsBeforeConnect) {
    CommandHandler h;
    auto early = h.on_message(cmd(0, {Amf0Value::str("publish"), Amf0Value::num(5)}));
    EXPECT_TRUE(early.close);
    auto wrong = h.on_message(connect("vod"));
    EXPECT_TRUE(wrong.close);
    ASSERT_EQ(wrong.replies.size(), 1u);
    EXPECT_EQ(decoded(wrong.replies[0])[3].get("code")->string, "NetConnection.Connect.Rejected");
    CommandHandler h2;
    EXPECT_FALSE(h2.on_message(connect("live/")).close);
}

TEST(CommandHandler, MetadataPingAndWindow) {
    CommandHandler h;
    h.on_message(connect("live"));
    Amf0Value meta{.type = Amf0Value::Type::ecma_array};
    meta.properties = {{"width", Amf0Value::num(1920)},
                       {"height", Amf0Value::num(1080)},
                       {"framerate", Amf0Value::num(30)},
                       {"videodatarate", Amf0Value::num(6000)},
                       {"encoder", Amf0Value::str("obs-output module (libobs version 29.0.2)")}};
    auto md = h.on_message(cmd(
        1, {Amf0Value::str("@setDataFrame"), Amf0Value::str("onMetaData"), meta}, msg::kDataAmf0));
    ASSERT_TRUE(md.metadata);
    EXPECT_EQ(md.metadata->width, 1920);
    EXPECT_EQ(md.metadata->frame_rate, 30);
    EXPECT_EQ(md.metadata->video_kbps, 6000);
    EXPECT_EQ(md.metadata->encoder, "obs-output module (libobs version 29.0.2)");

    Message ping{2, 0, msg::kUserControl, 0, {0x00, 0x06, 0x00, 0x00, 0x12, 0x34}};
    auto pong = h.on_message(ping);
    ASSERT_EQ(pong.replies.size(), 1u);
    EXPECT_EQ(pong.replies[0].payload,
              (std::vector<std::uint8_t>{0x00, 0x07, 0x00, 0x00, 0x12, 0x34}));

    Message window{2, 0, msg::kWindowAckSize, 0, {0x00, 0x26, 0x25, 0xa0}};
    h.on_message(window);
    EXPECT_EQ(h.peer_window(), 2500000u);

    Message garbage{3, 0, msg::kCommandAmf0, 0, {0xff, 0x00}};
    EXPECT_TRUE(h.on_message(garbage).close);
}

}  // namespace
}  // namespace nchat::ingest::rtmp
