#pragma once
// The value-parameterized fixture every store test runs under: one instance per backend.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/detail/migrations.hpp"
#include "store/store.hpp"
#include "unit/store/test_backend.hpp"
#include "util/crypto.hpp"
#include "util/ids.hpp"

namespace nchat::store::testing {

class StoreTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        db_ = std::make_unique<TestDatabase>(GetParam());
        if (!db_->skip_reason().empty()) GTEST_SKIP() << db_->skip_reason();
        store_ = open_store(db_->url());
        store_->migrate();
    }

    TestDatabase& db() { return *db_; }
    Store& store() { return *store_; }

    std::unique_ptr<TestDatabase> db_;
    std::unique_ptr<Store> store_;
};

inline std::string param_name(const ::testing::TestParamInfo<Backend>& info) {
    return backend_name(info.param);
}

inline int migrations_for(Backend b) {
    int n = 0;
    for (const auto& m : detail::kMigrations)
        n += m.dialect == backend_name(b);
    return n;
}

// 2026-11-24T14:45:17.123Z plus `ms`: millisecond precision must survive the round trip.
inline util::Time at(std::int64_t ms = 0) {
    return util::Time(std::chrono::milliseconds(1'795'531'517'123 + ms));
}

// A stream with every optional column set and nothing left at its default.
inline Stream full_stream(std::string broadcaster = util::new_uuid()) {
    Stream s;
    s.id = util::new_uuid();
    s.channel_id = util::new_uuid();
    s.broadcaster_id = std::move(broadcaster);
    s.title = "Ünïcode title — ライブ";
    s.description = "line one\nline 'two' \"quoted\"";
    s.thumbnail_url = "https://example.com/t.jpg";
    s.scheduled_at = at(1);
    s.started_at = at(2);
    s.ended_at = at(3);
    s.status = StreamStatus::scheduled;
    s.stream_key_hash = util::sha256_hex(util::new_secret());
    s.ingest_url = "rtmp://localhost:1935/live";
    s.hls_manifest_url = "https://example.com/hls/x/master.m3u8";
    s.max_resolution = "720p";
    s.peak_viewer_count = 7;
    s.total_view_count = 8;
    s.total_chat_messages = 9;
    s.total_reactions = 10;
    s.enable_chat = false;
    s.enable_reactions = false;
    s.enable_qa = true;
    s.chat_mode = "followers";
    s.tags = {"日本語", "emoji 🎥", "with \"quotes\" and \\", ""};
    s.is_private = true;
    s.hide_viewer_list = true;
    s.created_at = at(4);
    s.updated_at = at(5);
    return s;
}

// A public, preparing stream with only the required columns.
inline Stream minimal_stream(util::Time created = at()) {
    Stream s;
    s.id = util::new_uuid();
    s.channel_id = util::new_uuid();
    s.broadcaster_id = util::new_uuid();
    s.title = "t";
    s.stream_key_hash = util::sha256_hex(util::new_secret());
    s.ingest_url = "rtmp://localhost/live";
    s.created_at = s.updated_at = created;
    return s;
}

inline void expect_same(const Stream& a, const Stream& b) {
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.channel_id, b.channel_id);
    EXPECT_EQ(a.broadcaster_id, b.broadcaster_id);
    EXPECT_EQ(a.title, b.title);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.thumbnail_url, b.thumbnail_url);
    EXPECT_EQ(a.scheduled_at, b.scheduled_at);
    EXPECT_EQ(a.started_at, b.started_at);
    EXPECT_EQ(a.ended_at, b.ended_at);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.stream_key_hash, b.stream_key_hash);
    EXPECT_EQ(a.ingest_url, b.ingest_url);
    EXPECT_EQ(a.hls_manifest_url, b.hls_manifest_url);
    EXPECT_EQ(a.max_resolution, b.max_resolution);
    EXPECT_EQ(a.peak_viewer_count, b.peak_viewer_count);
    EXPECT_EQ(a.total_view_count, b.total_view_count);
    EXPECT_EQ(a.total_chat_messages, b.total_chat_messages);
    EXPECT_EQ(a.total_reactions, b.total_reactions);
    EXPECT_EQ(a.enable_chat, b.enable_chat);
    EXPECT_EQ(a.enable_reactions, b.enable_reactions);
    EXPECT_EQ(a.enable_qa, b.enable_qa);
    EXPECT_EQ(a.chat_mode, b.chat_mode);
    EXPECT_EQ(a.tags, b.tags);
    EXPECT_EQ(a.is_private, b.is_private);
    EXPECT_EQ(a.hide_viewer_list, b.hide_viewer_list);
    EXPECT_EQ(a.created_at, b.created_at);
    EXPECT_EQ(a.updated_at, b.updated_at);
}

inline std::vector<std::string> ids(const std::vector<Stream>& v) {
    std::vector<std::string> out;
    for (const auto& s : v)
        out.push_back(s.id);
    return out;
}

}  // namespace nchat::store::testing
