// store::Store on both backends: listing with privacy rules, the live and top views, delete
// cascades and channel relations. Instantiated in store_test.cpp (same suite).
#include "store/store.hpp"
#include "unit/store/store_fixture.hpp"

namespace nchat::store::testing {
namespace {

using ::testing::ElementsAre;

void add_viewer(TestDatabase& db, const std::string& stream_id, bool left) {
    db.exec("INSERT INTO nchat_stream_viewers (id, stream_id, session_id, left_at) VALUES ('" +
            util::new_uuid() + "', '" + stream_id + "', 's', " +
            (left ? "'2026-11-24T15:00:00.000Z'" : "NULL") + ")");
}

TEST_P(StoreTest, DeleteCascadesToEverythingAboutTheStream) {
    auto s = minimal_stream();
    auto other = minimal_stream();
    store().create_stream(s);
    store().create_stream(other);
    auto user = util::new_uuid();
    store().grant_stream_access(s.id, user, at());
    store().grant_stream_access(other.id, user, at());
    add_viewer(db(), s.id, false);
    db().exec(
        "INSERT INTO nchat_stream_chat_messages (id, stream_id, user_id, user_name, "
        "content) VALUES ('" +
        util::new_uuid() + "', '" + s.id + "', '" + user + "', 'u', 'hi')");
    db().exec("INSERT INTO nchat_stream_reactions (id, stream_id, emoji) VALUES ('" +
              util::new_uuid() + "', '" + s.id + "', '🔥')");
    db().exec("INSERT INTO nchat_stream_quality_metrics (stream_id, fps) VALUES ('" + s.id +
              "', 30)");

    EXPECT_TRUE(store().delete_stream(s.id));
    EXPECT_FALSE(store().delete_stream(s.id));
    EXPECT_FALSE(store().delete_stream("nope"));
    EXPECT_FALSE(store().get_stream(s.id));
    EXPECT_FALSE(store().has_stream_access(s.id, user));
    EXPECT_TRUE(store().has_stream_access(other.id, user));
    for (auto table : {"nchat_stream_viewers", "nchat_stream_chat_messages",
                       "nchat_stream_reactions", "nchat_stream_quality_metrics"}) {
        EXPECT_EQ(db().exec(std::string("SELECT count(*) FROM ") + table), 0) << table;
    }
}

TEST_P(StoreTest, AccessGrants) {
    auto s = minimal_stream();
    store().create_stream(s);
    auto user = util::new_uuid();
    EXPECT_FALSE(store().has_stream_access(s.id, user));
    store().grant_stream_access(s.id, user, at());
    store().grant_stream_access(s.id, user, at(1));  // idempotent
    EXPECT_TRUE(store().has_stream_access(s.id, user));
    store().revoke_stream_access(s.id, user);
    EXPECT_FALSE(store().has_stream_access(s.id, user));
    EXPECT_FALSE(store().has_stream_access("x", user));
    EXPECT_THROW(store().grant_stream_access(util::new_uuid(), user, at()), StoreError);
}

TEST_P(StoreTest, ListFiltersByStatusAndPages) {
    std::vector<Stream> made;
    for (int i = 0; i < 5; ++i) {
        auto s = minimal_stream(at(i * 1000));
        s.status = i % 2 ? StreamStatus::live : StreamStatus::ended;
        store().create_stream(s);
        made.push_back(s);
    }
    // Newest first.
    StreamFilter all;
    EXPECT_THAT(ids(store().list_streams(all)),
                ElementsAre(made[4].id, made[3].id, made[2].id, made[1].id, made[0].id));
    StreamFilter live;
    live.status = StreamStatus::live;
    EXPECT_THAT(ids(store().list_streams(live)), ElementsAre(made[3].id, made[1].id));
    StreamFilter page;
    page.limit = 2;
    page.offset = 1;
    EXPECT_THAT(ids(store().list_streams(page)), ElementsAre(made[3].id, made[2].id));
    page.offset = 5;
    EXPECT_TRUE(store().list_streams(page).empty());
}

TEST_P(StoreTest, ListShowsPrivateStreamsOnlyToThoseAllowed) {
    auto broadcaster = util::new_uuid();
    auto granted = util::new_uuid();
    auto stranger = util::new_uuid();
    auto pub = minimal_stream(at(1));
    auto priv = minimal_stream(at(2));
    priv.broadcaster_id = broadcaster;
    priv.is_private = true;
    auto other_priv = minimal_stream(at(3));
    other_priv.is_private = true;
    for (const auto& s : {pub, priv, other_priv})
        store().create_stream(s);
    store().grant_stream_access(priv.id, granted, at());

    StreamFilter f;
    EXPECT_THAT(ids(store().list_streams(f)), ElementsAre(pub.id));
    f.viewer_id = stranger;
    EXPECT_THAT(ids(store().list_streams(f)), ElementsAre(pub.id));
    f.viewer_id = broadcaster;
    EXPECT_THAT(ids(store().list_streams(f)), ElementsAre(priv.id, pub.id));
    f.viewer_id = granted;
    EXPECT_THAT(ids(store().list_streams(f)), ElementsAre(priv.id, pub.id));
    f.viewer_id = "not-a-uuid";
    EXPECT_THAT(ids(store().list_streams(f)), ElementsAre(pub.id));
    f.viewer_id.clear();
    f.include_all_private = true;
    EXPECT_THAT(ids(store().list_streams(f)), ElementsAre(other_priv.id, priv.id, pub.id));
}

TEST_P(StoreTest, LiveStreamsCountCurrentViewers) {
    auto busy = minimal_stream(at(1));
    auto quiet = minimal_stream(at(2));
    auto priv = minimal_stream(at(3));
    auto ended = minimal_stream(at(4));
    busy.status = quiet.status = priv.status = StreamStatus::live;
    priv.is_private = true;
    ended.status = StreamStatus::ended;
    for (const auto& s : {busy, quiet, priv, ended})
        store().create_stream(s);
    add_viewer(db(), busy.id, false);
    add_viewer(db(), busy.id, false);
    add_viewer(db(), busy.id, true);  // left: not counted
    add_viewer(db(), quiet.id, true);
    add_viewer(db(), priv.id, false);
    add_viewer(db(), ended.id, false);

    auto rows = store().live_streams(20, 0);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].stream.id, busy.id);
    EXPECT_EQ(rows[0].current_viewers, 2);
    expect_same(rows[0].stream, busy);
    EXPECT_EQ(rows[1].stream.id, quiet.id);
    EXPECT_EQ(rows[1].current_viewers, 0);
    EXPECT_EQ(store().live_streams(1, 1).at(0).stream.id, quiet.id);
}

TEST_P(StoreTest, TopStreamsByPeakViewersArePublicOnly) {
    std::vector<Stream> made;
    for (int peak : {5, 50, 20, 100}) {
        auto s = minimal_stream(at(peak));
        s.peak_viewer_count = peak;
        s.status = StreamStatus::ended;
        s.is_private = peak == 100;
        store().create_stream(s);
        made.push_back(s);
    }
    EXPECT_THAT(ids(store().top_streams(10)), ElementsAre(made[1].id, made[2].id, made[0].id));
    EXPECT_THAT(ids(store().top_streams(1)), ElementsAre(made[1].id));
}

TEST_P(StoreTest, ChannelRelations) {
    auto channel = util::new_uuid();
    auto user = util::new_uuid();
    using R = Store::Relation;
    EXPECT_FALSE(store().has_channel_relation(R::follower, channel, user));
    store().add_channel_relation(R::follower, channel, user, at());
    store().add_channel_relation(R::follower, channel, user, at(1));  // idempotent
    EXPECT_TRUE(store().has_channel_relation(R::follower, channel, user));
    EXPECT_FALSE(store().has_channel_relation(R::subscriber, channel, user));
    EXPECT_FALSE(store().has_channel_relation(R::moderator, channel, user));
    EXPECT_FALSE(store().has_channel_relation(R::follower, util::new_uuid(), user));
    store().add_channel_relation(R::moderator, channel, user, at());
    store().add_channel_relation(R::subscriber, channel, user, at());
    store().remove_channel_relation(R::follower, channel, user);
    EXPECT_FALSE(store().has_channel_relation(R::follower, channel, user));
    EXPECT_TRUE(store().has_channel_relation(R::moderator, channel, user));
    EXPECT_TRUE(store().has_channel_relation(R::subscriber, channel, user));
    EXPECT_FALSE(store().has_channel_relation(R::moderator, "x", user));
}

// The creation quota (issue 17) counts a broadcaster's streams that are not over.
TEST_P(StoreTest, CountOpenStreamsLeavesOutEndedAndCancelled) {
    const auto who = util::new_uuid();
    std::vector<StreamStatus> statuses{StreamStatus::scheduled, StreamStatus::preparing,
                                       StreamStatus::live, StreamStatus::ended,
                                       StreamStatus::cancelled};
    for (auto st : statuses) {
        auto s = minimal_stream();
        s.broadcaster_id = who;
        s.status = st;
        store().create_stream(s);
    }
    store().create_stream(minimal_stream());  // someone else's
    EXPECT_EQ(store().count_open_streams(who), 3);
    EXPECT_EQ(store().count_open_streams(util::new_uuid()), 0);
    EXPECT_EQ(store().count_open_streams("not-a-uuid"), 0);
}

}  // namespace
}  // namespace nchat::store::testing
