// Group commit: messages queued while the writer is busy go out in one batch, in order; a bad
// message in a batch fails only its own sender.
#include "realtime/detail/chat_writer.hpp"

#include <filesystem>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "store/database.hpp"
#include "util/crypto.hpp"
#include "util/ids.hpp"

namespace nchat::realtime::detail {
namespace {

namespace net = boost::asio;

class ChatWriterTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("nchat-cw-" + util::new_uuid());
        std::filesystem::create_directories(dir_);
        db_ = std::make_unique<store::Database>(
            store::DatabaseOptions{"sqlite:" + (dir_ / "t.db").string(), 1});
        db_->write_sync([](store::Store& s) { return s.migrate(); });
        stream_.id = util::new_uuid();
        stream_.channel_id = util::new_uuid();
        stream_.broadcaster_id = util::new_uuid();
        stream_.title = "t";
        stream_.stream_key_hash = util::sha256_hex(util::new_secret());
        stream_.ingest_url = "rtmp://x/live";
        db_->write_sync([&](store::Store& s) { s.create_stream(stream_); });
    }
    void TearDown() override {
        db_->stop();
        std::filesystem::remove_all(dir_);
    }

    store::ChatMessage message(const std::string& stream, const std::string& content) {
        store::ChatMessage m;
        m.id = util::new_uuid();
        m.stream_id = stream;
        m.user_id = util::new_uuid();
        m.user_name = "u";
        m.content = content;
        return m;
    }

    // Holds the writer until the returned promise is set, so what is queued meanwhile forms
    // one batch.
    std::promise<void> hold_writer() {
        std::promise<void> release;
        auto gate = release.get_future().share();
        std::promise<void> holding;
        auto held = holding.get_future();
        net::co_spawn(
            ioc_,
            [&, gate]() -> net::awaitable<void> {
                auto wait = [gate, &holding](store::Store&) {
                    holding.set_value();
                    gate.wait();
                };
                co_await db_->write(std::move(wait));
            },
            [](std::exception_ptr) {});
        ioc_.poll();
        held.wait();
        return release;
    }

    std::filesystem::path dir_;
    std::unique_ptr<store::Database> db_;
    store::Stream stream_;
    net::io_context ioc_;
};

TEST_F(ChatWriterTest, QueuedMessagesGoOutInOneOrderedBatch) {
    std::vector<std::string> published;
    std::mutex mutex;
    ChatWriter writer(*db_, [&](const store::ChatMessage& m) {
        std::lock_guard lock(mutex);
        published.push_back(m.content);
    });
    auto release = hold_writer();
    int ok = 0;
    for (int i = 0; i < 5; ++i) {
        net::co_spawn(ioc_, writer.write(message(stream_.id, "m" + std::to_string(i))),
                      [&](std::exception_ptr e) { ok += e ? 0 : 1; });
    }
    ioc_.poll();  // all five queued behind the held writer
    release.set_value();
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(ok, 5);
    EXPECT_EQ(published, (std::vector<std::string>{"m0", "m1", "m2", "m3", "m4"}));
    auto rows =
        db_->write_sync([&](store::Store& s) { return s.list_chat(stream_.id, 10, 0, false); });
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[4].content, "m4");
}

TEST_F(ChatWriterTest, ABadMessageFailsOnlyItsOwnSender) {
    std::vector<std::string> published;
    ChatWriter writer(*db_, [&](const store::ChatMessage& m) { published.push_back(m.content); });
    auto release = hold_writer();
    std::vector<int> results(3, -1);
    auto spawn = [&](int i, store::ChatMessage m) {
        net::co_spawn(ioc_, writer.write(std::move(m)),
                      [&results, i](std::exception_ptr e) { results[i] = e ? 0 : 1; });
    };
    spawn(0, message(stream_.id, "a"));
    spawn(1, message(util::new_uuid(), "orphan"));  // no such stream: the batch fails
    spawn(2, message(stream_.id, "c"));
    ioc_.poll();
    release.set_value();
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(results, (std::vector<int>{1, 0, 1}));
    EXPECT_EQ(published, (std::vector<std::string>{"a", "c"}));
}

}  // namespace
}  // namespace nchat::realtime::detail
