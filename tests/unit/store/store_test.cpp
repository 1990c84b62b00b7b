// store::Store on both backends: migrations, users and tokens, stream rows and updates.
// Listing queries are in store_queries_test.cpp (same suite).
#include "store/store.hpp"

#include <thread>

#include "auth/token.hpp"
#include "unit/store/store_fixture.hpp"

namespace nchat::store::testing {
namespace {

TEST_P(StoreTest, MigrateAgainAppliesNothing) {
    // SetUp migrated once already.
    EXPECT_EQ(store().migrate(), 0);
    EXPECT_EQ(db().exec("SELECT count(*) FROM nchat_schema_migrations"),
              migrations_for(GetParam()));
}

TEST_P(StoreTest, ConcurrentMigratorsApplyEachMigrationOnce) {
    TestDatabase fresh(GetParam());
    std::vector<std::unique_ptr<Store>> stores;
    for (int i = 0; i < 4; ++i)
        stores.push_back(open_store(fresh.url()));
    std::vector<int> applied(stores.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < stores.size(); ++i) {
        threads.emplace_back([&, i] { applied[i] = stores[i]->migrate(); });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(applied[0] + applied[1] + applied[2] + applied[3], migrations_for(GetParam()));
    EXPECT_EQ(fresh.exec("SELECT count(*) FROM nchat_schema_migrations"),
              migrations_for(GetParam()));
    EXPECT_EQ(stores[0]->migrate(), 0);
}

TEST_P(StoreTest, BackendName) {
    EXPECT_EQ(store().backend(), backend_name(GetParam()));
}

TEST_P(StoreTest, UsersAndTokenLookupByHash) {
    EXPECT_EQ(store().count_users(), 0);
    User u{util::new_uuid(), "Zoë", Role::broadcaster, at(42)};
    store().create_user(u);
    auto got = store().get_user(u.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->name, "Zoë");
    EXPECT_EQ(got->role, Role::broadcaster);
    EXPECT_EQ(got->created_at, at(42));
    EXPECT_EQ(store().count_users(), 1);
    EXPECT_THROW(store().create_user(u), Conflict);

    std::string hash(64, 'a');
    store().add_api_token(u.id, hash, at());
    auto by_token = store().user_by_token_hash(hash);
    ASSERT_TRUE(by_token);
    EXPECT_EQ(by_token->id, u.id);
    EXPECT_FALSE(store().user_by_token_hash(std::string(64, 'b')));
    EXPECT_THROW(store().add_api_token(u.id, hash, at()), Conflict);

    EXPECT_FALSE(store().get_user(util::new_uuid()));
    EXPECT_FALSE(store().get_user("not-a-uuid"));
    EXPECT_THROW(store().create_user(User{"not-a-uuid", "x", Role::viewer, at()}), StoreError);
}

TEST_P(StoreTest, DeletingAUserDeletesItsTokens) {
    User u{util::new_uuid(), "u", Role::viewer, at()};
    store().create_user(u);
    store().add_api_token(u.id, "h1", at());
    db().exec("DELETE FROM nchat_users WHERE id = '" + u.id + "'");
    EXPECT_FALSE(store().user_by_token_hash("h1"));
    EXPECT_EQ(db().exec("SELECT count(*) FROM nchat_api_tokens"), 0);
}

TEST_P(StoreTest, StreamRoundTripsEveryField) {
    auto full = full_stream();
    store().create_stream(full);
    auto got = store().get_stream(full.id);
    ASSERT_TRUE(got);
    expect_same(*got, full);
    auto by_key = store().stream_by_key_hash(full.stream_key_hash);
    ASSERT_TRUE(by_key);
    expect_same(*by_key, full);

    auto minimal = minimal_stream();
    store().create_stream(minimal);
    got = store().get_stream(minimal.id);
    ASSERT_TRUE(got);
    expect_same(*got, minimal);
    EXPECT_FALSE(got->description);
    EXPECT_FALSE(got->started_at);
    EXPECT_TRUE(got->tags.empty());

    EXPECT_FALSE(store().get_stream(util::new_uuid()));
    EXPECT_FALSE(store().get_stream("nope"));
    EXPECT_FALSE(store().stream_by_key_hash("nope"));
}

// Migration 0004: a database from before it holds stream keys in clear; after it, only their
// hash, the one auth::hash_token makes, so a publish with the old key still finds its stream.
TEST_P(StoreTest, MigrationHashesStreamKeysStoredInClear) {
    auto s = minimal_stream();
    const std::string clear = util::new_secret();
    s.stream_key_hash = clear;  // as a server before 0004 wrote it
    store().create_stream(s);
    // Run 0004 again over that row, as an upgrade does once.
    db().exec("DELETE FROM nchat_schema_migrations WHERE version = 4");
    EXPECT_EQ(store().migrate(), 1);
    EXPECT_FALSE(store().stream_by_key_hash(clear));
    auto got = store().stream_by_key_hash(auth::hash_token(clear));
    ASSERT_TRUE(got);
    EXPECT_EQ(got->id, s.id);
    EXPECT_EQ(got->stream_key_hash, util::sha256_hex(clear));
    EXPECT_EQ(store().migrate(), 0);  // and only once
}

TEST_P(StoreTest, DuplicateStreamKeyIsAConflictThatHidesTheKey) {
    auto a = minimal_stream();
    store().create_stream(a);
    auto b = minimal_stream();
    b.stream_key_hash = a.stream_key_hash;
    try {
        store().create_stream(b);
        FAIL() << "no Conflict";
    } catch (const Conflict& e) {
        EXPECT_EQ(std::string(e.what()).find(a.stream_key_hash), std::string::npos) << e.what();
    }
    EXPECT_FALSE(store().get_stream(b.id));

    // The same through an update (regenerating a key).
    auto c = minimal_stream();
    store().create_stream(c);
    StreamPatch p;
    p.stream_key_hash = a.stream_key_hash;
    EXPECT_THROW(store().update_stream(c.id, p, at(), {}, nullptr), Conflict);
}

TEST_P(StoreTest, UpdateSetsClearsAndLeavesFieldsAlone) {
    auto s = full_stream();
    store().create_stream(s);
    StreamPatch p;
    p.title = "new title";
    p.description = std::optional<std::string>();  // set to NULL
    p.scheduled_at = std::optional<util::Time>();
    p.tags = std::vector<std::string>{"ä"};
    p.enable_chat = true;
    p.hls_manifest_url = std::optional<std::string>("https://h/x.m3u8");
    bool applied = false;
    auto got = store().update_stream(s.id, p, at(1000), {}, &applied);
    ASSERT_TRUE(got);
    EXPECT_TRUE(applied);

    auto want = s;
    want.title = "new title";
    want.description.reset();
    want.scheduled_at.reset();
    want.tags = {"ä"};
    want.enable_chat = true;
    want.hls_manifest_url = "https://h/x.m3u8";
    want.updated_at = at(1000);
    expect_same(*got, want);
    expect_same(*store().get_stream(s.id), want);

    // An empty patch still touches updated_at.
    got = store().update_stream(s.id, {}, at(2000), {}, nullptr);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->updated_at, at(2000));
    EXPECT_EQ(got->title, "new title");

    EXPECT_FALSE(store().update_stream(util::new_uuid(), p, at(), {}, &applied));
    EXPECT_FALSE(applied);
}

TEST_P(StoreTest, UpdateWithExpectedStatusIsCompareAndSet) {
    auto s = minimal_stream();
    s.status = StreamStatus::live;
    store().create_stream(s);
    StreamPatch end;
    end.status = StreamStatus::ended;
    end.ended_at = at(5);

    bool applied = true;
    auto got = store().update_stream(s.id, end, at(9), {StreamStatus::preparing}, &applied);
    ASSERT_TRUE(got);
    EXPECT_FALSE(applied);
    expect_same(*got, s);  // unchanged, updated_at included

    got = store().update_stream(s.id, end, at(9), {StreamStatus::preparing, StreamStatus::live},
                                &applied);
    ASSERT_TRUE(got);
    EXPECT_TRUE(applied);
    EXPECT_EQ(got->status, StreamStatus::ended);
    EXPECT_EQ(got->ended_at, at(5));

    applied = true;
    EXPECT_FALSE(
        store().update_stream(util::new_uuid(), end, at(), {StreamStatus::live}, &applied));
    EXPECT_FALSE(applied);
}

TEST_P(StoreTest, OnlyKnownStatusesAreAccepted) {
    auto s = minimal_stream();
    store().create_stream(s);
    EXPECT_THROW(db().exec("UPDATE nchat_streams SET status = 'bogus'"), std::runtime_error);
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         StoreTest,
                         ::testing::Values(Backend::sqlite, Backend::postgres),
                         param_name);

TEST(StoreOpen, RejectsUnknownSchemesWithoutEchoingTheUrl) {
    try {
        open_store("mysql://user:hunter2@host/db");
        FAIL() << "no StoreError";
    } catch (const StoreError& e) {
        EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos);
    }
}

TEST(StoreOpen, PostgresFailureDoesNotShowThePassword) {
    // Port 1 on loopback: refused at once.
    try {
        open_store("postgresql://user:hunter2@127.0.0.1:1/db?connect_timeout=2");
        FAIL() << "no StoreError";
    } catch (const StoreError& e) {
        EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
    }
}

TEST(StoreOpen, SqliteMemory) {
    auto s = open_store("sqlite::memory:");
    EXPECT_EQ(s->migrate(), migrations_for(Backend::sqlite));
    EXPECT_EQ(s->count_users(), 0);
}

}  // namespace
}  // namespace nchat::store::testing
