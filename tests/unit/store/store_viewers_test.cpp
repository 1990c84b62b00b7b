// store::Store on both backends: viewer sessions (nchat_stream_viewers) and the view counters
// they feed (issue 6, Presence; docs/realtime.md, Viewer counts).
#include "store/store.hpp"
#include "unit/store/store_fixture.hpp"

namespace nchat::store::testing {
namespace {

class ViewerStoreTest : public StoreTest {
protected:
    void SetUp() override {
        StoreTest::SetUp();
        if (IsSkipped()) return;
        stream_ = minimal_stream();
        stream_.status = StreamStatus::live;
        store().create_stream(stream_);
    }

    ViewerSession session(std::int64_t joined_ms, std::optional<std::string> user = {}) {
        ViewerSession v;
        v.id = util::new_uuid();
        v.stream_id = stream_.id;
        v.user_id = std::move(user);
        v.session_id = "node-a:" + std::to_string(++connection_);
        v.joined_at = at(joined_ms);
        return v;
    }

    Stream reread() { return *store().get_stream(stream_.id); }

    Stream stream_;
    int connection_ = 0;
};

TEST_P(ViewerStoreTest, SessionsAreStoredAndCountedWithTheirPeak) {
    auto anon = session(0);
    auto user = session(10, util::new_uuid());
    auto brief = session(20);
    brief.left_at = at(2'519);  // started and ended within one batch
    brief.watch_seconds = 2;
    ViewerBatch b;
    b.started = {anon, user, brief};
    b.peaks = {{stream_.id, 3}};
    EXPECT_EQ(store().record_viewers(b), 3);

    auto s = reread();
    EXPECT_EQ(s.total_view_count, 3);
    EXPECT_EQ(s.peak_viewer_count, 3);
    auto rows = store().list_viewer_sessions(stream_.id, 100, 0);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].id, anon.id);
    EXPECT_EQ(rows[0].stream_id, stream_.id);
    EXPECT_FALSE(rows[0].user_id);
    EXPECT_EQ(rows[0].session_id, anon.session_id);
    EXPECT_EQ(rows[0].joined_at, at(0));
    EXPECT_FALSE(rows[0].left_at);
    EXPECT_EQ(rows[1].user_id, user.user_id);
    EXPECT_EQ(rows[2].left_at, at(2'519));
    EXPECT_EQ(rows[2].watch_seconds, 2);
    // The view counts the open ones.
    auto live = store().live_streams(10, 0);
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live[0].current_viewers, 2);

    // A later batch: one leaves, a lower count changes no peak, a new viewer adds a view.
    ViewerBatch later;
    later.left = {{anon.id, at(61'000), 61}};
    later.started = {session(30'000)};
    later.peaks = {{stream_.id, 2}};
    EXPECT_EQ(store().record_viewers(later), 1);
    s = reread();
    EXPECT_EQ(s.total_view_count, 4);
    EXPECT_EQ(s.peak_viewer_count, 3);
    rows = store().list_viewer_sessions(stream_.id, 100, 0);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].left_at, at(61'000));
    EXPECT_EQ(rows[0].watch_seconds, 61);
    EXPECT_EQ(store().list_viewer_sessions(stream_.id, 2, 1).at(0).id, user.id);

    // A session is closed once: a second leave changes nothing.
    ViewerBatch again;
    again.left = {{anon.id, at(99'000), 99}};
    store().record_viewers(again);
    EXPECT_EQ(store().list_viewer_sessions(stream_.id, 1, 0).at(0).left_at, at(61'000));
}

TEST_P(ViewerStoreTest, TheEndClosesOpenSessionsAndFreezesTheCounters) {
    auto stays = session(0);
    auto left = session(100);
    ViewerBatch b;
    b.started = {stays, left};
    b.peaks = {{stream_.id, 2}};
    store().record_viewers(b);
    ViewerBatch l;
    l.left = {{left.id, at(1'100), 1}};
    store().record_viewers(l);

    StreamPatch end;
    end.status = StreamStatus::ended;
    end.ended_at = at(90'999);
    bool applied = false;
    store().update_stream(stream_.id, end, at(91'000), {StreamStatus::live}, &applied);
    ASSERT_TRUE(applied);
    auto rows = store().list_viewer_sessions(stream_.id, 100, 0);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].left_at, at(90'999));  // the stream's end
    EXPECT_EQ(rows[0].watch_seconds, 90);
    EXPECT_EQ(rows[1].left_at, at(1'100));  // its own leave stands
    EXPECT_EQ(rows[1].watch_seconds, 1);

    // What comes after the end (a viewer still in the room, a late batch) changes nothing.
    ViewerBatch late;
    late.started = {session(95'000)};
    late.left = {{stays.id, at(120'000), 120}};
    late.peaks = {{stream_.id, 50}};
    EXPECT_EQ(store().record_viewers(late), 0);
    auto s = reread();
    EXPECT_EQ(s.total_view_count, 2);
    EXPECT_EQ(s.peak_viewer_count, 2);
    rows = store().list_viewer_sessions(stream_.id, 100, 0);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].left_at, at(90'999));
    EXPECT_EQ(store().close_viewer_sessions(stream_.id, at(200'000)), 0);
}

TEST_P(ViewerStoreTest, CancellingClosesSessionsAtNow) {
    auto pending = minimal_stream();
    store().create_stream(pending);
    auto v = session(0);
    v.stream_id = pending.id;
    ViewerBatch b;
    b.started = {v};
    store().record_viewers(b);
    StreamPatch cancel;
    cancel.status = StreamStatus::cancelled;
    store().update_stream(pending.id, cancel, at(5'000), {}, nullptr);
    auto rows = store().list_viewer_sessions(pending.id, 10, 0);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].left_at, at(5'000));
    EXPECT_EQ(rows[0].watch_seconds, 5);
}

TEST_P(ViewerStoreTest, WatchSecondsAreWholeSecondsOnBothPaths) {
    // Closed in SQL (the stream's end) and in C++ (store::watch_seconds): the same rule.
    struct Case {
        std::int64_t joined, left, seconds;
    };
    for (auto c : {Case{0, 999, 0}, Case{0, 1'000, 1}, Case{500, 1'999, 1}, Case{1'000, 999, 0},
                   Case{0, 3'600'000, 3'600}}) {
        SCOPED_TRACE(std::to_string(c.joined) + " → " + std::to_string(c.left));
        EXPECT_EQ(watch_seconds(at(c.joined), at(c.left)), c.seconds);
        auto s = minimal_stream();
        s.status = StreamStatus::live;
        store().create_stream(s);
        auto v = session(c.joined);
        v.stream_id = s.id;
        ViewerBatch b;
        b.started = {v};
        store().record_viewers(b);
        EXPECT_EQ(store().close_viewer_sessions(s.id, at(c.left)), 1);
        auto rows = store().list_viewer_sessions(s.id, 10, 0);
        ASSERT_EQ(rows.size(), 1u);
        EXPECT_EQ(rows[0].watch_seconds, c.seconds);
        EXPECT_EQ(rows[0].left_at, at(c.left));
    }
}

TEST_P(ViewerStoreTest, StreamsThatAreGoneAreSkippedAndBadIdsRefused) {
    auto gone = session(0);
    gone.stream_id = util::new_uuid();
    ViewerBatch b;
    b.started = {gone, session(1)};
    b.peaks = {{"not-a-stream", 4}, {gone.stream_id, 4}};
    EXPECT_EQ(store().record_viewers(b), 1);
    EXPECT_EQ(reread().total_view_count, 1);
    EXPECT_EQ(reread().peak_viewer_count, 0);
    EXPECT_TRUE(store().list_viewer_sessions(gone.stream_id, 10, 0).empty());
    EXPECT_TRUE(store().list_viewer_sessions("nope", 10, 0).empty());
    EXPECT_EQ(store().close_viewer_sessions("nope", at()), 0);

    ViewerBatch bad;
    bad.started = {session(2)};
    bad.started[0].user_id = "not-a-uuid";
    EXPECT_THROW(store().record_viewers(bad), StoreError);
    EXPECT_EQ(store().list_viewer_sessions(stream_.id, 10, 0).size(), 1u);
    EXPECT_EQ(store().record_viewers({}), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         ViewerStoreTest,
                         ::testing::Values(Backend::sqlite, Backend::postgres),
                         param_name);

}  // namespace
}  // namespace nchat::store::testing
