// store::Database: coroutines awaiting storage work on both backends.
#include "store/database.hpp"

#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "unit/store/store_fixture.hpp"

namespace nchat::store::testing {
namespace {

namespace net = boost::asio;

class DatabaseTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        tdb_ = std::make_unique<TestDatabase>(GetParam());
        if (!tdb_->skip_reason().empty()) GTEST_SKIP() << tdb_->skip_reason();
    }

    std::unique_ptr<Database> open(std::size_t max_queue = 10'000, int readers = 2) {
        auto db = std::make_unique<Database>(DatabaseOptions{tdb_->url(), readers, max_queue});
        db->write_sync([](Store& s) { return s.migrate(); });
        return db;
    }

    // Runs `coro` to completion on ioc_ (on this thread) and rethrows what escaped it.
    template <class Coro>
    void run(Coro coro) {
        std::exception_ptr failure;
        net::co_spawn(ioc_, std::move(coro), [&](std::exception_ptr e) { failure = e; });
        ioc_.run();
        ioc_.restart();
        if (failure) std::rethrow_exception(failure);
    }

    std::unique_ptr<TestDatabase> tdb_;
    net::io_context ioc_;
};

User make_user() {
    return User{util::new_uuid(), "u", Role::viewer, at()};
}

TEST_P(DatabaseTest, ReadAndWriteResumeOnTheCallersThread) {
    auto db = open();
    EXPECT_EQ(db->backend(), backend_name(GetParam()));
    auto user = make_user();
    auto caller = std::this_thread::get_id();
    run([&]() -> net::awaitable<void> {
        co_await db->write([&](Store& s) { s.create_user(user); });
        EXPECT_EQ(std::this_thread::get_id(), caller);
        // Every reader sees the committed write.
        for (int i = 0; i < 4; ++i) {
            // Named first: see database.hpp on g++ 12 and capturing temporaries.
            auto get = [id = user.id](Store& s) { return s.get_user(id); };
            auto got = co_await db->read(std::move(get));
            EXPECT_EQ(std::this_thread::get_id(), caller);
            EXPECT_TRUE(got && got->id == user.id);
        }
        auto n = co_await db->read([](Store& s) { return s.count_users(); });
        EXPECT_EQ(n, 1);
    });
}

TEST_P(DatabaseTest, ExceptionsReachTheCoroutineWithTheirType) {
    auto db = open();
    auto user = make_user();
    db->write_sync([&](Store& s) { s.create_user(user); });
    bool conflict = false;
    bool other = false;
    run([&]() -> net::awaitable<void> {
        try {
            co_await db->write([&](Store& s) { s.create_user(user); });
        } catch (const Conflict&) {
            conflict = true;
        }
        try {
            co_await db->read([](Store&) -> int { throw std::logic_error("boom"); });
        } catch (const std::logic_error& e) {
            other = std::string(e.what()) == "boom";
        }
    });
    EXPECT_TRUE(conflict);
    EXPECT_TRUE(other);
    EXPECT_THROW(db->write_sync([&](Store& s) { s.create_user(user); }), Conflict);
}

TEST_P(DatabaseTest, FullQueueIsOverloadedNotWaitedOn) {
    auto db = open(/*max_queue=*/1, /*readers=*/0);
    std::promise<void> started;
    std::promise<void> gate;
    auto gate_open = gate.get_future().share();
    int done = 0;
    std::string refused;
    auto job = [&](bool block) -> net::awaitable<void> {
        try {
            co_await db->write([&, block](Store&) {
                if (!block) return;
                started.set_value();
                gate_open.wait();
            });
            ++done;
        } catch (const Overloaded& e) {
            refused = e.what();
        }
    };
    net::co_spawn(ioc_, job(true), net::detached);
    ioc_.poll();
    started.get_future().wait();                     // the writer is busy; its queue is empty
    net::co_spawn(ioc_, job(false), net::detached);  // queued: the queue is full
    net::co_spawn(ioc_, job(false), net::detached);  // refused at once
    ioc_.poll();
    EXPECT_EQ(refused, "storage overloaded");
    EXPECT_EQ(done, 0);
    gate.set_value();
    ioc_.run();
    EXPECT_EQ(done, 2);
}

TEST_P(DatabaseTest, StopRunsWhatIsQueued) {
    auto db = open();
    constexpr int kWrites = 50;
    int completed = 0;
    for (int i = 0; i < kWrites; ++i) {
        net::co_spawn(
            ioc_,
            [&]() -> net::awaitable<void> {
                auto create = [u = make_user()](Store& s) { s.create_user(u); };
                co_await db->write(std::move(create));
                ++completed;
            },
            net::detached);
    }
    ioc_.poll();  // every write is submitted; most are still queued
    db->stop();
    db->stop();  // idempotent
    ioc_.run();
    EXPECT_EQ(completed, kWrites);
    EXPECT_THROW(db->write_sync([](Store& s) { return s.count_users(); }), StoreError);
    auto check = open_store(tdb_->url());
    EXPECT_EQ(check->count_users(), kWrites);
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         DatabaseTest,
                         ::testing::Values(Backend::sqlite, Backend::postgres),
                         param_name);

TEST(DatabaseMemory, ReadsGoToTheWriterSoTheySeeItsData) {
    Database db({"sqlite::memory:", 2, 100});
    db.write_sync([](Store& s) { return s.migrate(); });
    net::io_context ioc;
    std::int64_t users = -1;
    auto user = make_user();
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
            co_await db.write([&](Store& s) { s.create_user(user); });
            users = co_await db.read([](Store& s) { return s.count_users(); });
        },
        net::detached);
    ioc.run();
    EXPECT_EQ(users, 1);
}

}  // namespace
}  // namespace nchat::store::testing
