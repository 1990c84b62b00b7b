// Viewer sessions (docs/realtime.md, Viewer counts): Presence's arrivals and departures become
// rows, the bounded queue drops and counts, shutdown ends what is open; and through the
// Service's flush into a real SQLite store, where the stream's end closes what is left.
#include "realtime/viewer_sessions.hpp"

#include <algorithm>
#include <filesystem>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "realtime/presence.hpp"
#include "realtime/service.hpp"
#include "store/database.hpp"
#include "util/crypto.hpp"
#include "util/ids.hpp"

namespace nchat::realtime {
namespace {

using namespace std::chrono_literals;

class ManualClock final : public util::Clock {
public:
    util::Time now() const override { return now_; }
    std::chrono::steady_clock::time_point steady_now() const override {
        return std::chrono::steady_clock::time_point(now_.time_since_epoch());
    }
    void advance(std::chrono::milliseconds d) { now_ += d; }

private:
    util::Time now_{std::chrono::milliseconds(1'795'531'517'123)};
};

const store::ViewerSession* row_of(const store::ViewerBatch& b, const std::string& session_id) {
    auto it = std::find_if(b.started.begin(), b.started.end(),
                           [&](const auto& r) { return r.session_id == session_id; });
    return it == b.started.end() ? nullptr : &*it;
}

class ViewerSessionsTest : public ::testing::Test {
protected:
    ViewerSessionsTest() { presence_.record_sessions(&sessions_); }

    ManualClock clock_;
    ViewerSessions sessions_{clock_, "node-a"};
    Presence presence_;
    std::string alice_ = util::new_uuid();
    std::string bob_ = util::new_uuid();
};

TEST_F(ViewerSessionsTest, AUserIsOneSessionAndEachAnonymousConnectionIsOne) {
    auto t0 = clock_.now();
    presence_.join("s", nullptr, 1);
    presence_.join("s", nullptr, 2);
    presence_.join("s", &alice_, 3);
    presence_.join("s", &alice_, 4);  // her second tab: the same session
    presence_.join("t", &alice_, 4);  // another room: another session

    auto b = sessions_.take();
    ASSERT_EQ(b.started.size(), 4u);
    const auto* anon1 = row_of(b, "node-a:1");
    const auto* anon2 = row_of(b, "node-a:2");
    const auto* alice = row_of(b, "node-a:3");
    ASSERT_TRUE(anon1 && anon2 && alice);
    EXPECT_FALSE(anon1->user_id);
    EXPECT_EQ(alice->user_id, alice_);
    EXPECT_EQ(alice->stream_id, "s");
    EXPECT_EQ(alice->joined_at, t0);
    EXPECT_FALSE(alice->left_at);
    EXPECT_TRUE(util::is_uuid(alice->id));
    const std::string anon2_id = anon2->id, alice_id = alice->id;  // `b` is reused below
    EXPECT_TRUE(b.left.empty());
    EXPECT_TRUE(b.peaks.empty());  // no tick yet
    EXPECT_EQ(sessions_.stats().open, 4);

    // The tick's totals are the peaks.
    presence_.take_changes({});
    b = sessions_.take();
    std::sort(b.peaks.begin(), b.peaks.end());
    EXPECT_EQ(b.peaks, (std::vector<std::pair<std::string, std::int64_t>>{{"s", 3}, {"t", 1}}));

    // Leaving: the anonymous connection that left, and Alice when her last tab goes.
    clock_.advance(90'500ms);
    presence_.leave("s", nullptr, 2);
    presence_.leave("s", &alice_, 3);
    b = sessions_.take();
    ASSERT_EQ(b.left.size(), 1u);
    EXPECT_EQ(b.left[0].id, anon2_id);
    EXPECT_EQ(b.left[0].left_at, t0 + 90'500ms);
    EXPECT_EQ(b.left[0].watch_seconds, 90);
    presence_.leave("s", &alice_, 4);
    b = sessions_.take();
    ASSERT_EQ(b.left.size(), 1u);
    EXPECT_EQ(b.left[0].id, alice_id);
    EXPECT_EQ(sessions_.stats().open, 2);  // anon1 in s, Alice in t
    EXPECT_EQ(sessions_.stats().started, 4u);
}

TEST_F(ViewerSessionsTest, ASessionEndedBeforeItIsStoredIsOneClosedRow) {
    presence_.join("s", nullptr, 1);
    clock_.advance(2'999ms);
    presence_.leave("s", nullptr, 1);
    auto b = sessions_.take();
    ASSERT_EQ(b.started.size(), 1u);
    EXPECT_EQ(b.started[0].left_at, b.started[0].joined_at + 2'999ms);
    EXPECT_EQ(b.started[0].watch_seconds, 2);
    EXPECT_TRUE(b.left.empty());
    EXPECT_TRUE(sessions_.take().empty());
}

TEST_F(ViewerSessionsTest, SigningInEndsTheAnonymousSessionAndJoinsTheUsers) {
    presence_.join("s", &alice_, 1);
    presence_.join("s", nullptr, 2);
    sessions_.take();
    // Connection 2 authenticates as Alice (ws session: leave as anonymous, join as the user).
    presence_.leave("s", nullptr, 2);
    presence_.join("s", &alice_, 2);
    auto b = sessions_.take();
    EXPECT_TRUE(b.started.empty());  // Alice's session goes on
    EXPECT_EQ(b.left.size(), 1u);    // the anonymous one ended
    // Bob signs in on a connection of his own: a new session.
    presence_.join("s", nullptr, 3);
    presence_.leave("s", nullptr, 3);
    presence_.join("s", &bob_, 3);
    b = sessions_.take();
    ASSERT_EQ(b.started.size(), 2u);
    EXPECT_TRUE(b.started[0].left_at);  // the anonymous moment, already over
    EXPECT_EQ(b.started[1].user_id, bob_);
}

// Issue 17: a subscribe/unsubscribe loop is one session, one view, within the rejoin window.
TEST_F(ViewerSessionsTest, ComingBackWithinTheWindowContinuesTheSameSession) {
    // Within one batch: the loop leaves one row, open.
    for (int i = 0; i < 50; ++i) {
        presence_.join("s", nullptr, 1);
        clock_.advance(100ms);
        presence_.leave("s", nullptr, 1);
    }
    presence_.join("s", nullptr, 1);
    auto b = sessions_.take();
    ASSERT_EQ(b.started.size(), 1u);
    EXPECT_FALSE(b.started[0].left_at);
    EXPECT_TRUE(b.rejoined.empty());
    EXPECT_TRUE(b.left.empty());
    const auto id = b.started[0].id;

    // Across batches: the stored row is closed, then opened again (no new row), then closed
    // with the seconds of both stays.
    clock_.advance(10s);
    presence_.leave("s", nullptr, 1);
    b = sessions_.take();
    ASSERT_EQ(b.left.size(), 1u);
    EXPECT_EQ(b.left[0].watch_seconds, 15);  // 5 s of the loop, then 10 s
    clock_.advance(ViewerSessions::kRejoinWindow);
    presence_.join("s", nullptr, 1);
    b = sessions_.take();
    EXPECT_TRUE(b.started.empty());
    EXPECT_EQ(b.rejoined, std::vector<std::string>{id});
    clock_.advance(20s);
    presence_.leave("s", nullptr, 1);
    presence_.join("s", nullptr, 1);  // back before the leave was stored: it is dropped
    b = sessions_.take();
    EXPECT_TRUE(b.left.empty());
    EXPECT_TRUE(b.started.empty());
    EXPECT_TRUE(b.rejoined.empty());
    clock_.advance(5s);
    presence_.leave("s", nullptr, 1);
    b = sessions_.take();
    ASSERT_EQ(b.left.size(), 1u);
    EXPECT_EQ(b.left[0].id, id);
    EXPECT_EQ(b.left[0].watch_seconds, 40);

    // Later than the window: a new session, a new view. Another connection is another viewer.
    clock_.advance(ViewerSessions::kRejoinWindow + 1s);
    presence_.join("s", nullptr, 1);
    presence_.join("s", nullptr, 2);
    b = sessions_.take();
    ASSERT_EQ(b.started.size(), 2u);
    EXPECT_NE(b.started[0].id, id);
    EXPECT_EQ(sessions_.stats().started, 3u);
}

TEST_F(ViewerSessionsTest, AUserWhoLeavesAndComesBackIsOneSession) {
    presence_.join("s", &alice_, 1);
    sessions_.take();
    presence_.leave("s", &alice_, 1);
    sessions_.take();
    presence_.join("s", &alice_, 2);  // a new tab, another connection: still her session
    auto b = sessions_.take();
    EXPECT_TRUE(b.started.empty());
    EXPECT_EQ(b.rejoined.size(), 1u);
}

TEST_F(ViewerSessionsTest, TheQueueIsBoundedAndWhatDoesNotFitIsCounted) {
    ViewerSessions small(clock_, "n", 2);
    small.started("s", nullptr, 1);
    small.started("s", nullptr, 2);
    small.started("s", nullptr, 3);  // does not fit: not recorded
    EXPECT_EQ(small.stats().dropped, 1u);
    small.ended("s", nullptr, 3);  // nothing to close
    auto b = small.take();
    EXPECT_EQ(b.started.size(), 2u);
    EXPECT_TRUE(b.left.empty());

    small.started("s", nullptr, 4);
    small.started("s", nullptr, 5);
    small.ended("s", nullptr, 1);  // stored earlier; the queue is full: its row stays open
    EXPECT_EQ(small.stats().dropped, 2u);
    small.ended("s", nullptr, 4);  // not stored yet: closed in place, no room needed
    b = small.take();
    ASSERT_EQ(b.started.size(), 2u);
    EXPECT_TRUE(b.started[0].left_at);
    EXPECT_TRUE(b.left.empty());
    small.ended("s", nullptr, 2);
    EXPECT_EQ(small.take().left.size(), 1u);
    EXPECT_EQ(small.stats().started, 4u);
}

TEST_F(ViewerSessionsTest, ShutdownEndsEverySessionOpenHere) {
    presence_.join("s", nullptr, 1);
    presence_.join("s", &alice_, 2);
    sessions_.take();
    presence_.join("t", nullptr, 3);
    clock_.advance(10s);
    sessions_.end_all();
    auto b = sessions_.take();
    EXPECT_EQ(b.left.size(), 2u);
    ASSERT_EQ(b.started.size(), 1u);
    EXPECT_EQ(b.started[0].watch_seconds, 10);
    EXPECT_EQ(sessions_.stats().open, 0);
    presence_.join("s", nullptr, 4);  // stopping: not recorded
    presence_.leave("s", &alice_, 2);
    EXPECT_TRUE(sessions_.take().started.empty());
}

// ---- through the Service's flush into SQLite ----

class NullBus final : public EventBus {
public:
    void publish(Event) override {}
};

class ViewerFlushTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("nchat-vs-" + util::new_uuid());
        std::filesystem::create_directories(dir_);
        db_ = std::make_unique<store::Database>(
            store::DatabaseOptions{"sqlite:" + (dir_ / "t.db").string(), 2});
        db_->write_sync([](store::Store& s) { return s.migrate(); });
        ServiceConfig cfg;
        cfg.reaction_batch = 2;  // several transactions per flush
        service_ = std::make_unique<Service>(*db_, clock_, bus_, cfg);
        service_->record_viewers(sessions_);
        presence_.record_sessions(&sessions_);
        stream_.id = util::new_uuid();
        stream_.channel_id = util::new_uuid();
        stream_.broadcaster_id = util::new_uuid();
        stream_.title = "t";
        stream_.stream_key_hash = util::sha256_hex(util::new_secret());
        stream_.ingest_url = "rtmp://x/live";
        stream_.status = store::StreamStatus::live;
        stream_.created_at = stream_.updated_at = clock_.now();
        db_->write_sync([&](store::Store& st) { st.create_stream(stream_); });
    }
    void TearDown() override {
        service_.reset();
        db_->stop();
        std::filesystem::remove_all(dir_);
    }

    void flush() {
        std::exception_ptr err;
        net::co_spawn(ioc_, service_->flush(), [&](std::exception_ptr e) { err = e; });
        ioc_.restart();
        ioc_.run();
        if (err) std::rethrow_exception(err);
    }
    store::Stream stream() {
        return *db_->write_sync([&](store::Store& st) { return st.get_stream(stream_.id); });
    }
    std::vector<store::ViewerSession> rows() {
        return db_->write_sync(
            [&](store::Store& st) { return st.list_viewer_sessions(stream_.id, 100, 0); });
    }

    std::filesystem::path dir_;
    ManualClock clock_;
    NullBus bus_;
    std::unique_ptr<store::Database> db_;
    ViewerSessions sessions_{clock_, "node-a"};
    Presence presence_;
    std::unique_ptr<Service> service_;
    net::io_context ioc_;
    store::Stream stream_;
    std::string alice_ = util::new_uuid();
};

TEST_F(ViewerFlushTest, FlushStoresSessionsAndCountersAndTheEndClosesTheRest) {
    const auto& s = stream_.id;
    presence_.join(s, nullptr, 1);
    presence_.join(s, nullptr, 2);
    presence_.join(s, &alice_, 3);
    presence_.join(s, &alice_, 4);
    presence_.take_changes({});
    flush();
    EXPECT_EQ(stream().total_view_count, 3);
    EXPECT_EQ(stream().peak_viewer_count, 3);
    EXPECT_EQ(rows().size(), 3u);

    clock_.advance(30s);
    presence_.leave(s, nullptr, 1);
    presence_.leave(s, &alice_, 3);
    presence_.take_changes({});
    flush();
    auto r = rows();
    EXPECT_EQ(std::count_if(r.begin(), r.end(), [](auto& v) { return v.left_at.has_value(); }), 1);
    EXPECT_EQ(stream().peak_viewer_count, 3);

    // The end (POST /end: flush, then the status change) closes the two still open.
    clock_.advance(15s);
    flush();
    const auto end_at = clock_.now();
    store::StreamPatch end;
    end.status = store::StreamStatus::ended;
    end.ended_at = end_at;
    db_->write_sync([&](store::Store& st) {
        return st.update_stream(s, end, clock_.now(), {store::StreamStatus::live}, nullptr);
    });
    for (const auto& v : rows()) {
        ASSERT_TRUE(v.left_at);
        EXPECT_EQ(v.watch_seconds, *v.left_at == end_at ? 45 : 30);
    }
    EXPECT_EQ(stream().total_view_count, 3);
}

TEST_F(ViewerFlushTest, ASubscribeLoopIsOneViewAndOneRow) {
    const auto& s = stream_.id;
    for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < 20; ++i) {
            presence_.join(s, nullptr, 1);
            clock_.advance(500ms);
            presence_.leave(s, nullptr, 1);
        }
        flush();  // stored closed, then opened again by the next round
        EXPECT_EQ(stream().total_view_count, 1);
        auto r = rows();
        ASSERT_EQ(r.size(), 1u);
        ASSERT_TRUE(r[0].left_at);
        EXPECT_EQ(r[0].watch_seconds, 10 * (round + 1));
    }
    presence_.join(s, nullptr, 1);
    flush();
    auto r = rows();
    ASSERT_EQ(r.size(), 1u);
    EXPECT_FALSE(r[0].left_at) << "watching again";
    EXPECT_EQ(stream().total_view_count, 1);
}

TEST_F(ViewerFlushTest, ShutdownStoresWhatIsOpenAsEnded) {
    presence_.join(stream_.id, nullptr, 1);
    presence_.join(stream_.id, &alice_, 2);
    flush();
    presence_.join(stream_.id, nullptr, 3);  // not stored yet
    clock_.advance(5s);
    service_->flush_sync();
    auto r = rows();
    ASSERT_EQ(r.size(), 3u);
    for (const auto& v : r) {
        EXPECT_EQ(v.left_at, clock_.now());
    }
    EXPECT_EQ(stream().total_view_count, 3);
}

}  // namespace
}  // namespace nchat::realtime
