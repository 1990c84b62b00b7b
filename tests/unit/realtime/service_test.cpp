// realtime::Service on a real SQLite store, with a manual clock and a bus that records what is
// published: the rules of chat, reactions, Q&A and moderation (docs/chat.md).
#include "realtime/service.hpp"

#include <filesystem>
#include <mutex>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/database.hpp"
#include "util/crypto.hpp"
#include "util/ids.hpp"

namespace nchat::realtime {
namespace {

using namespace std::chrono_literals;
using store::Role;
using store::StreamStatus;

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

class CapturingBus final : public EventBus {
public:
    void publish(Event e) override {
        std::lock_guard lock(mutex_);
        events_.push_back(std::move(e));
    }
    std::vector<Event> events() {
        std::lock_guard lock(mutex_);
        return events_;
    }
    std::vector<Event> of_type(const std::string& type) {
        std::vector<Event> out;
        for (auto& e : events()) {
            if (e.type == type) out.push_back(e);
        }
        return out;
    }
    void clear() {
        std::lock_guard lock(mutex_);
        events_.clear();
    }

private:
    std::mutex mutex_;
    std::vector<Event> events_;
};

auth::Principal user(Role role, std::string name) {
    return {util::new_uuid(), role, std::move(name)};
}

class ServiceTest : public ::testing::Test {
protected:
    void SetUp() override { make_service({}); }
    void TearDown() override {
        service_.reset();
        db_->stop();
        std::filesystem::remove_all(dir_);
    }

    void make_service(ServiceConfig cfg) {
        if (!db_) {
            dir_ = std::filesystem::temp_directory_path() / ("nchat-rt-" + util::new_uuid());
            std::filesystem::create_directories(dir_);
            db_ = std::make_unique<store::Database>(
                store::DatabaseOptions{"sqlite:" + (dir_ / "t.db").string(), 2});
            db_->write_sync([](store::Store& s) { return s.migrate(); });
            db_->write_sync([&](store::Store& s) {
                s.create_user({global_mod_.user_id, "gm", Role::moderator, clock_.now()});
            });
        }
        service_.reset();
        service_ = std::make_unique<Service>(*db_, clock_, bus_, std::move(cfg));
    }

    store::Stream make_stream(std::function<void(store::Stream&)> tweak = {}) {
        store::Stream s;
        s.id = util::new_uuid();
        s.channel_id = channel_;
        s.broadcaster_id = broadcaster_.user_id;
        s.title = "t";
        s.stream_key_hash = util::sha256_hex(util::new_secret());
        s.ingest_url = "rtmp://x/live";
        s.created_at = s.updated_at = clock_.now();
        if (tweak) tweak(s);
        db_->write_sync([&](store::Store& st) { st.create_stream(s); });
        return s;
    }

    void relate(store::Store::Relation r, const auth::Principal& p) {
        db_->write_sync([&](store::Store& st) {
            st.add_channel_relation(r, channel_, p.user_id, clock_.now());
        });
    }

    template <class T>
    T run(net::awaitable<T> a) {
        std::optional<T> out;
        std::exception_ptr err;
        net::co_spawn(ioc_, std::move(a), [&](std::exception_ptr e, T v) {
            err = e;
            if (!e) out = std::move(v);
        });
        ioc_.restart();
        ioc_.run();
        if (err) std::rethrow_exception(err);
        return std::move(*out);
    }
    void run(net::awaitable<void> a) {
        std::exception_ptr err;
        net::co_spawn(ioc_, std::move(a), [&](std::exception_ptr e) { err = e; });
        ioc_.restart();
        ioc_.run();
        if (err) std::rethrow_exception(err);
    }

    // The Refusal `a` throws (a failed expectation when it throws none).
    template <class A>
    Refusal refusal(A&& a) {
        try {
            run(std::forward<A>(a));
        } catch (const Refusal& r) {
            return r;
        }
        ADD_FAILURE() << "no refusal";
        return Refusal(0, "none", "none");
    }

    nlohmann::json send(const auth::Principal& who,
                        const store::Stream& s,
                        std::string text,
                        bool question = false) {
        return run(service_->send_chat(who, s.id, std::move(text), question));
    }

    std::vector<std::string> contents(const nlohmann::json& list) {
        std::vector<std::string> out;
        for (const auto& m : list)
            out.push_back(m["content"].get<std::string>());
        return out;
    }

    std::filesystem::path dir_;
    ManualClock clock_;
    CapturingBus bus_;
    std::unique_ptr<store::Database> db_;
    std::unique_ptr<Service> service_;
    net::io_context ioc_;
    std::string channel_ = util::new_uuid();
    auth::Principal broadcaster_ = user(Role::broadcaster, "Bea");
    auth::Principal viewer_ = user(Role::viewer, "Vic");
    auth::Principal other_ = user(Role::viewer, "Olga");
    auth::Principal admin_ = user(Role::admin, "Ada");
    auth::Principal global_mod_ = user(Role::moderator, "gm");
};

TEST_F(ServiceTest, SendStoresPublishesAndReturnsTheSameMessage) {
    auto s = make_stream();
    auto m = send(viewer_, s, "  hello\tworld  ");
    EXPECT_EQ(m["content"], "hello world");
    EXPECT_EQ(m["streamId"], s.id);
    EXPECT_EQ(m["userId"], viewer_.user_id);
    EXPECT_EQ(m["userName"], "Vic");
    EXPECT_EQ(m["isPinned"], false);
    EXPECT_EQ(m["isDeleted"], false);
    EXPECT_EQ(m["isQuestion"], false);
    EXPECT_EQ(m["createdAt"], "2026-11-24T14:45:17.123Z");
    EXPECT_TRUE(util::is_uuid(m["id"].get<std::string>()));

    auto events = bus_.of_type("chat.message");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].stream_id, s.id);
    EXPECT_EQ(events[0].data, m);  // the same object as REST
    EXPECT_FALSE(events[0].user_id);

    auto list = run(service_->list_chat(std::nullopt, s.id, 100, 0, false));
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0], m);
    auto row = db_->write_sync([&](store::Store& st) { return st.get_stream(s.id); });
    EXPECT_EQ(row->total_chat_messages, 1);
    EXPECT_EQ(service_->stats().messages, 1u);
}

TEST_F(ServiceTest, EventsCarryTheirMediaTimeWhenTheStreamIsRecordedHere) {
    // The media clock says where an instant falls on the recording (docs/recording.md): here
    // 1 s of media per second of clock since `start`, for one stream only.
    auto s = make_stream();
    auto other = make_stream();
    const auto start = clock_.now();
    std::vector<std::string> asked;
    service_->set_media_clock(
        [&](const std::string& id, util::Time at) -> std::optional<std::int64_t> {
            asked.push_back(id);
            if (id != s.id) return std::nullopt;
            return (at - start).count();
        });
    clock_.advance(1500ms);
    auto m = send(viewer_, s, "at 1.5 s");
    EXPECT_EQ(m["mediaMs"], 1500);
    auto events = bus_.of_type("chat.message");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, m);  // the event says what the answer said
    clock_.advance(500ms);
    auto r = run(service_->react(viewer_, s.id, "🔥", 10.0, 20.0));
    EXPECT_EQ(r["mediaMs"], 2000);
    EXPECT_EQ(bus_.of_type("reaction").at(0).data["mediaMs"], 2000);
    clock_.advance(1000ms);
    run(service_->delete_message(broadcaster_, s.id, m["id"].get<std::string>()));
    EXPECT_EQ(bus_.of_type("chat.deleted").at(0).data["mediaMs"], 3000);
    // Not recorded here: no mediaMs, nothing else changes.
    auto o = send(viewer_, other, "elsewhere");
    EXPECT_FALSE(o.contains("mediaMs"));
    EXPECT_FALSE(bus_.of_type("chat.message").at(1).data.contains("mediaMs"));
    EXPECT_FALSE(asked.empty());
}

TEST_F(ServiceTest, ContentIsValidated) {
    auto s = make_stream();
    auto r = refusal(service_->send_chat(viewer_, s.id, " \n ", false));
    EXPECT_EQ(r.http_status, 400);
    EXPECT_EQ(r.code, "validation_failed");
    EXPECT_EQ(r.field, "content");
    EXPECT_EQ(refusal(service_->send_chat(viewer_, s.id, std::string(501, 'x'), false)).field,
              "content");
    EXPECT_EQ(send(other_, s, std::string(500, 'x'))["content"].get<std::string>().size(), 500u);
    EXPECT_TRUE(bus_.of_type("chat.message").size() == 1);
}

TEST_F(ServiceTest, ProfanityIsMaskedByDefaultOrRefused) {
    ServiceConfig cfg;
    cfg.profanity_words = {"darn"};
    make_service(cfg);
    auto s = make_stream();
    EXPECT_EQ(send(viewer_, s, "oh D4RN, sh1t")["content"], "oh ****, ****");

    cfg.profanity_mode = ProfanityMode::reject;
    make_service(cfg);
    auto r = refusal(service_->send_chat(other_, s.id, "daaarn", false));
    EXPECT_EQ(r.http_status, 400);
    EXPECT_EQ(r.code, "profanity");
    EXPECT_EQ(r.field, "content");
    EXPECT_EQ(send(other_, s, "darnel is a grass")["content"], "darnel is a grass");
}

TEST_F(ServiceTest, RateLimitRefusesTheFourthMessageInASecond) {
    auto s = make_stream();
    for (int i = 0; i < 3; ++i)
        send(viewer_, s, "m" + std::to_string(i));
    auto r = refusal(service_->send_chat(viewer_, s.id, "m3", false));
    EXPECT_EQ(r.http_status, 429);
    EXPECT_EQ(r.code, "rate_limited");
    EXPECT_EQ(r.retry_after_seconds, 1);
    send(other_, s, "others are not limited");
    clock_.advance(1000ms);
    send(viewer_, s, "after a second");
    EXPECT_EQ(bus_.of_type("chat.message").size(), 5u);
}

TEST_F(ServiceTest, ChatModes) {
    auto followers = make_stream([](auto& s) { s.chat_mode = "followers"; });
    EXPECT_EQ(refusal(service_->send_chat(viewer_, followers.id, "hi", false)).code,
              "followers_only");
    relate(store::Store::Relation::follower, viewer_);
    send(viewer_, followers, "now I follow");
    relate(store::Store::Relation::subscriber, other_);
    send(other_, followers, "subscribers count as followers");

    auto subs = make_stream([](auto& s) { s.chat_mode = "subscribers"; });
    auto r = refusal(service_->send_chat(viewer_, subs.id, "hi", false));
    EXPECT_EQ(r.code, "subscribers_only");
    EXPECT_EQ(r.http_status, 403);
    send(other_, subs, "I subscribe");

    auto disabled = make_stream([](auto& s) { s.chat_mode = "disabled"; });
    EXPECT_EQ(refusal(service_->send_chat(other_, disabled.id, "hi", false)).code, "chat_disabled");
    // The broadcaster, channel moderators, admins and global moderators always may post.
    auto mod = user(Role::viewer, "Mo");
    relate(store::Store::Relation::moderator, mod);
    for (const auto& p : {broadcaster_, mod, admin_, global_mod_}) {
        send(p, disabled, "staff");
        send(p, subs, "staff");
    }

    // enableChat false refuses everyone.
    auto off = make_stream([](auto& s) { s.enable_chat = false; });
    EXPECT_EQ(refusal(service_->send_chat(broadcaster_, off.id, "hi", false)).code,
              "chat_disabled");
}

TEST_F(ServiceTest, ChatIsOpenBeforeGoLiveAndClosedAfterTheEnd) {
    auto scheduled = make_stream([](auto& s) { s.status = StreamStatus::scheduled; });
    send(viewer_, scheduled, "waiting room");
    auto live = make_stream([](auto& s) { s.status = StreamStatus::live; });
    send(viewer_, live, "live");
    for (auto st : {StreamStatus::ended, StreamStatus::cancelled}) {
        auto s = make_stream([&](auto& x) { x.status = st; });
        auto r = refusal(service_->send_chat(other_, s.id, "late", false));
        EXPECT_EQ(r.http_status, 409);
        EXPECT_EQ(r.code, "stream_ended");
        EXPECT_EQ(refusal(service_->react(other_, s.id, "👍", {}, {})).code, "stream_ended");
        // Reading the chat of an ended stream still works.
        EXPECT_TRUE(run(service_->list_chat(std::nullopt, s.id, 10, 0, false)).empty());
    }
}

TEST_F(ServiceTest, PrivateStreamsAreNotFoundForOthers) {
    auto s = make_stream([](auto& x) { x.is_private = true; });
    auto r = refusal(service_->send_chat(viewer_, s.id, "hi", false));
    EXPECT_EQ(r.http_status, 404);
    EXPECT_EQ(refusal(service_->check_can_view(std::nullopt, s.id)).code, "not_found");
    EXPECT_EQ(refusal(service_->list_chat(std::nullopt, s.id, 10, 0, false)).code, "not_found");
    db_->write_sync(
        [&](store::Store& st) { st.grant_stream_access(s.id, viewer_.user_id, clock_.now()); });
    run(service_->check_can_view(viewer_, s.id));
    run(service_->check_can_view(broadcaster_, s.id));
    send(viewer_, s, "granted");
    EXPECT_EQ(refusal(service_->check_can_view(std::nullopt, util::new_uuid())).code, "not_found");
    EXPECT_EQ(refusal(service_->check_can_view(std::nullopt, "nope")).code, "not_found");
}

TEST_F(ServiceTest, BansAndTimeouts) {
    auto s = make_stream();
    EXPECT_EQ(refusal(service_->ban(other_, s.id, viewer_.user_id, std::nullopt)).code,
              "forbidden");

    auto ban = run(service_->ban(broadcaster_, s.id, viewer_.user_id, std::nullopt, "spam"));
    EXPECT_EQ(ban["userId"], viewer_.user_id);
    EXPECT_EQ(ban["expiresAt"], nullptr);
    EXPECT_EQ(ban["reason"], "spam");
    auto r = refusal(service_->send_chat(viewer_, s.id, "hi", false));
    EXPECT_EQ(r.http_status, 403);
    EXPECT_EQ(r.code, "banned");
    EXPECT_FALSE(r.retry_after_seconds);
    EXPECT_EQ(refusal(service_->react(viewer_, s.id, "👍", {}, {})).code, "banned");
    auto note = bus_.of_type("moderation");
    ASSERT_EQ(note.size(), 1u);
    EXPECT_EQ(note[0].user_id, viewer_.user_id);  // only the banned user hears of it
    EXPECT_EQ(note[0].data["action"], "ban");

    run(service_->unban(broadcaster_, s.id, viewer_.user_id));
    send(viewer_, s, "back");
    EXPECT_EQ(bus_.of_type("moderation").back().data["action"], "unban");

    auto timeout = run(service_->ban(admin_, s.id, viewer_.user_id, 60));
    EXPECT_EQ(timeout["expiresAt"], "2026-11-24T14:46:17.123Z");
    clock_.advance(20s);
    r = refusal(service_->send_chat(viewer_, s.id, "hi", false));
    EXPECT_EQ(r.code, "banned");
    EXPECT_EQ(r.retry_after_seconds, 40);
    EXPECT_EQ(bus_.of_type("moderation").back().data["action"], "timeout");
    EXPECT_EQ(run(service_->list_bans(broadcaster_, s.id)).size(), 1u);
    clock_.advance(41s);
    send(viewer_, s, "the timeout is over");
    EXPECT_TRUE(run(service_->list_bans(broadcaster_, s.id)).empty());

    // Those who moderate cannot be banned; durations are bounded.
    auto mod = user(Role::viewer, "Mo");
    relate(store::Store::Relation::moderator, mod);
    for (const auto& id : {broadcaster_.user_id, mod.user_id, global_mod_.user_id}) {
        EXPECT_EQ(refusal(service_->ban(admin_, s.id, id, std::nullopt)).code, "forbidden");
    }
    EXPECT_EQ(refusal(service_->ban(admin_, s.id, viewer_.user_id, 0)).field, "durationSeconds");
    EXPECT_EQ(refusal(service_->ban(admin_, s.id, "x", std::nullopt)).field, "userId");

    auto log = run(service_->moderation_log(broadcaster_, s.id, 100, 0));
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[0]["action"], "timeout");
    EXPECT_EQ(log[0]["actorId"], admin_.user_id);
    EXPECT_EQ(log[0]["details"]["durationSeconds"], 60);
    EXPECT_EQ(log[1]["action"], "unban");
    EXPECT_EQ(log[2]["action"], "ban");
    EXPECT_EQ(log[2]["targetUserId"], viewer_.user_id);
    EXPECT_EQ(log[2]["actorName"], "Bea");
    EXPECT_EQ(refusal(service_->moderation_log(viewer_, s.id, 100, 0)).code, "forbidden");
}

TEST_F(ServiceTest, SlowModeSpacesEachUsersMessagesButNotModerators) {
    auto s = make_stream();
    EXPECT_EQ(refusal(service_->set_slow_mode(viewer_, s.id, 10)).code, "forbidden");
    EXPECT_EQ(refusal(service_->set_slow_mode(broadcaster_, s.id, -1)).field, "seconds");
    run(service_->set_slow_mode(broadcaster_, s.id, 10));
    EXPECT_EQ(run(service_->slow_mode(std::nullopt, s.id)), 10);
    EXPECT_EQ(bus_.of_type("chat.settings").back().data["slowModeSeconds"], 10);

    send(viewer_, s, "one");
    clock_.advance(4s);
    auto r = refusal(service_->send_chat(viewer_, s.id, "two", false));
    EXPECT_EQ(r.http_status, 429);
    EXPECT_EQ(r.code, "slow_mode");
    EXPECT_EQ(r.retry_after_seconds, 6);
    send(other_, s, "someone else");
    send(broadcaster_, s, "b1");
    send(broadcaster_, s, "b2");
    clock_.advance(6s);
    send(viewer_, s, "two");
    run(service_->set_slow_mode(broadcaster_, s.id, 0));
    send(viewer_, s, "three");
}

TEST_F(ServiceTest, DeletePinUnpinAndClear) {
    auto s = make_stream();
    auto a = send(viewer_, s, "a");
    auto b = send(other_, s, "b");
    auto a_id = a["id"].get<std::string>(), b_id = b["id"].get<std::string>();

    EXPECT_EQ(refusal(service_->pin(viewer_, s.id, a_id)).code, "forbidden");
    auto pinned = run(service_->pin(broadcaster_, s.id, a_id));
    EXPECT_EQ(pinned["isPinned"], true);
    EXPECT_EQ(bus_.of_type("chat.pinned").back().data, pinned);
    run(service_->pin(broadcaster_, s.id, b_id));  // one pinned message per stream
    auto list = run(service_->list_chat(std::nullopt, s.id, 100, 0, false));
    EXPECT_EQ(list[0]["isPinned"], false);
    EXPECT_EQ(list[1]["isPinned"], true);
    run(service_->unpin(broadcaster_, s.id, b_id));
    EXPECT_EQ(bus_.of_type("chat.unpinned").back().data["messageId"], b_id);

    run(service_->delete_message(admin_, s.id, a_id));
    run(service_->delete_message(admin_, s.id, a_id));  // again: nothing changes
    EXPECT_EQ(bus_.of_type("chat.deleted").size(), 1u);
    EXPECT_EQ(bus_.of_type("chat.deleted")[0].data["messageId"], a_id);
    EXPECT_EQ(refusal(service_->pin(broadcaster_, s.id, a_id)).code, "wrong_state");
    EXPECT_EQ(refusal(service_->delete_message(admin_, s.id, util::new_uuid())).code, "not_found");
    EXPECT_THAT(contents(run(service_->list_chat(std::nullopt, s.id, 100, 0, false))),
                ::testing::ElementsAre("b"));
    auto all = run(service_->list_chat(broadcaster_, s.id, 100, 0, true));
    EXPECT_EQ(all[0]["isDeleted"], true);
    EXPECT_EQ(all[0]["content"], "a");  // moderators see what was deleted
    EXPECT_EQ(refusal(service_->list_chat(viewer_, s.id, 100, 0, true)).code, "forbidden");

    EXPECT_EQ(run(service_->clear_chat(broadcaster_, s.id)), 1);
    EXPECT_EQ(bus_.of_type("chat.cleared").back().data["count"], 1);
    EXPECT_TRUE(run(service_->list_chat(std::nullopt, s.id, 100, 0, false)).empty());

    auto log = run(service_->moderation_log(broadcaster_, s.id, 100, 0));
    std::vector<std::string> actions;
    for (const auto& e : log)
        actions.push_back(e["action"]);
    EXPECT_THAT(actions, ::testing::ElementsAre("clear_chat", "delete_message", "unpin_message",
                                                "pin_message", "pin_message"));
    EXPECT_EQ(log[1]["details"]["content"], "a");
    EXPECT_EQ(log[1]["targetUserId"], viewer_.user_id);
}

TEST_F(ServiceTest, ListPagesNewestLastAndResumeReplaysWhatCameAfter) {
    auto s = make_stream();
    std::vector<std::string> ids;
    for (int i = 0; i < 6; ++i) {
        auto who = i % 2 ? viewer_ : other_;
        if (i == 4) clock_.advance(1s);  // stay under the rate limit
        ids.push_back(send(who, s, "m" + std::to_string(i))["id"]);
    }
    EXPECT_THAT(contents(run(service_->list_chat(std::nullopt, s.id, 2, 0, false))),
                ::testing::ElementsAre("m4", "m5"));
    EXPECT_THAT(contents(run(service_->list_chat(std::nullopt, s.id, 2, 2, false))),
                ::testing::ElementsAre("m2", "m3"));
    EXPECT_EQ(refusal(service_->list_chat(std::nullopt, s.id, 101, 0, false)).field, "limit");
    EXPECT_EQ(refusal(service_->list_chat(std::nullopt, s.id, 0, 0, false)).field, "limit");
    EXPECT_EQ(refusal(service_->list_chat(std::nullopt, s.id, 10, -1, false)).field, "offset");

    auto since = run(service_->chat_since(std::nullopt, s.id, ids[2], 100));
    ASSERT_EQ(since.size(), 3u);
    EXPECT_EQ(since[0]["content"], "m3");
    EXPECT_EQ(since[2]["content"], "m5");
    EXPECT_EQ(run(service_->chat_since(std::nullopt, s.id, ids[0], 2)).size(), 2u);
    EXPECT_TRUE(run(service_->chat_since(std::nullopt, s.id, ids[5], 100)).empty());
    auto r = refusal(service_->chat_since(std::nullopt, s.id, util::new_uuid(), 100));
    EXPECT_EQ(r.code, "not_found");
    EXPECT_EQ(r.field, "lastMessageId");
}

TEST_F(ServiceTest, ConcurrentSendsAreStoredInTheOrderTheirEventsWentOut) {
    auto s = make_stream();
    std::vector<auth::Principal> senders;
    for (int i = 0; i < 40; ++i)
        senders.push_back(user(Role::viewer, "u" + std::to_string(i)));
    int done = 0;
    for (auto& p : senders) {
        net::co_spawn(ioc_, service_->send_chat(p, s.id, "from " + p.name, false),
                      [&](std::exception_ptr e, nlohmann::json) {
                          EXPECT_FALSE(e);
                          ++done;
                      });
    }
    ioc_.restart();
    ioc_.run();
    EXPECT_EQ(done, 40);
    auto events = bus_.of_type("chat.message");
    auto list = run(service_->list_chat(std::nullopt, s.id, 100, 0, false));
    ASSERT_EQ(events.size(), 40u);
    ASSERT_EQ(list.size(), 40u);
    for (std::size_t i = 0; i < list.size(); ++i)
        EXPECT_EQ(events[i].data["id"], list[i]["id"]) << i;
    auto row = db_->write_sync([&](store::Store& st) { return st.get_stream(s.id); });
    EXPECT_EQ(row->total_chat_messages, 40);
}

TEST_F(ServiceTest, ReactionsAreValidatedBroadcastAndStoredInBatches) {
    auto s = make_stream();
    auto r = run(service_->react(viewer_, s.id, "❤️", 12.345, std::nullopt));
    EXPECT_EQ(r["emoji"], "❤️");
    EXPECT_EQ(r["positionX"], 12.35);
    EXPECT_EQ(r["positionY"], 0.0);
    EXPECT_EQ(r["userId"], viewer_.user_id);
    auto random = run(service_->react(viewer_, s.id, "👩‍👩‍👧", std::nullopt, 50.0));
    EXPECT_GE(random["positionX"].get<double>(), 0);
    EXPECT_LE(random["positionX"].get<double>(), 100);
    auto events = bus_.of_type("reaction");
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].data, r);

    // Broadcast at once, stored on flush.
    auto stored = [&] {
        return db_->write_sync([&](store::Store& st) { return st.get_stream(s.id); })
            ->total_reactions;
    };
    EXPECT_EQ(stored(), 0);
    run(service_->flush());
    EXPECT_EQ(stored(), 2);
    EXPECT_EQ(service_->stats().reactions_stored, 2u);

    for (const char* bad : {"a", "👍👍", "", "hi👍", "\u200d", "🏽"}) {
        auto x = refusal(service_->react(other_, s.id, bad, {}, {}));
        EXPECT_EQ(x.field, "emoji") << bad;
        clock_.advance(1s);
    }
    EXPECT_EQ(refusal(service_->react(other_, s.id, "👍", 100.5, {})).field, "positionX");
    EXPECT_EQ(refusal(service_->react(other_, s.id, "👍", {}, -1.0)).field, "positionY");
    EXPECT_EQ(refusal(service_->react(other_, s.id, "👍", std::nan(""), {})).field, "positionX");

    // 5 per second per user.
    clock_.advance(2s);
    for (int i = 0; i < 5; ++i)
        run(service_->react(other_, s.id, "🔥", {}, {}));
    auto limited = refusal(service_->react(other_, s.id, "🔥", {}, {}));
    EXPECT_EQ(limited.http_status, 429);
    EXPECT_EQ(limited.code, "rate_limited");

    auto off = make_stream([](auto& x) { x.enable_reactions = false; });
    EXPECT_EQ(refusal(service_->react(viewer_, off.id, "👍", {}, {})).code, "reactions_disabled");
    service_->flush_sync();
    EXPECT_EQ(stored(), 7);
}

TEST_F(ServiceTest, QuestionsVotesAndAnswers) {
    auto no_qa = make_stream();
    auto r = refusal(service_->send_chat(viewer_, no_qa.id, "why?", true));
    EXPECT_EQ(r.code, "qa_disabled");
    EXPECT_EQ(r.field, "isQuestion");

    auto s = make_stream([](auto& x) { x.enable_qa = true; });
    auto q1 = send(viewer_, s, "first?", true);
    auto q2 = send(other_, s, "second?", true);
    send(other_, s, "not a question");
    EXPECT_EQ(q1["isQuestion"], true);
    auto announced = bus_.of_type("qa.question");
    ASSERT_EQ(announced.size(), 2u);
    EXPECT_EQ(announced[0].data["id"], q1["id"]);
    EXPECT_EQ(announced[0].data["votes"], 0);
    EXPECT_EQ(announced[0].data["status"], "open");
    EXPECT_FALSE(announced[0].data.contains("hasVoted"));

    auto q2_id = q2["id"].get<std::string>();
    auto voted = run(service_->vote_question(viewer_, s.id, q2_id, true));
    EXPECT_EQ(voted["votes"], 1);
    EXPECT_EQ(voted["hasVoted"], true);
    voted = run(service_->vote_question(viewer_, s.id, q2_id, true));  // again: idempotent
    EXPECT_EQ(voted["votes"], 1);
    EXPECT_EQ(bus_.of_type("qa.updated").size(), 1u);
    EXPECT_EQ(bus_.of_type("qa.updated")[0].data["votes"], 1);

    auto list = run(service_->list_questions(other_, s.id, std::nullopt, 100, 0));
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0]["id"], q2_id);  // most votes first
    EXPECT_EQ(list[0]["hasVoted"], false);
    EXPECT_EQ(list[1]["id"], q1["id"]);

    run(service_->vote_question(viewer_, s.id, q2_id, false));
    EXPECT_EQ(run(service_->list_questions(std::nullopt, s.id, std::nullopt, 100, 0))[0]["id"],
              q1["id"]);

    EXPECT_EQ(refusal(service_->set_question_status(viewer_, s.id, q2_id, "answered")).code,
              "forbidden");
    EXPECT_EQ(refusal(service_->set_question_status(broadcaster_, s.id, q2_id, "done")).field,
              "status");
    auto answered = run(service_->set_question_status(broadcaster_, s.id, q2_id, "answered"));
    EXPECT_EQ(answered["status"], "answered");
    EXPECT_EQ(answered["answeredAt"], "2026-11-24T14:45:17.123Z");
    EXPECT_EQ(bus_.of_type("qa.updated").back().data["status"], "answered");
    EXPECT_EQ(refusal(service_->vote_question(other_, s.id, q2_id, true)).code, "wrong_state");
    EXPECT_EQ(refusal(service_->vote_question(other_, s.id, util::new_uuid(), true)).code,
              "not_found");
    EXPECT_EQ(run(service_->list_questions(std::nullopt, s.id, "open", 100, 0)).size(), 1u);
    EXPECT_EQ(refusal(service_->list_questions(std::nullopt, s.id, "x", 100, 0)).field, "status");
    EXPECT_EQ(run(service_->moderation_log(broadcaster_, s.id, 10, 0))[0]["action"],
              "question_answered");
}

TEST_F(ServiceTest, StatusChangesArePublished) {
    service_->stream_status_changed("s1", StreamStatus::live);
    auto e = bus_.of_type("stream.status");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].stream_id, "s1");
    EXPECT_EQ(e[0].data, (nlohmann::json{{"status", "live"}}));
}

}  // namespace
}  // namespace nchat::realtime
