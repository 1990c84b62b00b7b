// store::Store on both backends: chat messages, reactions, Q&A, bans, slow mode, moderation log
// and channel-relation lists (issue 6). Same suite as store_test.cpp.
#include "store/store.hpp"
#include "unit/store/store_fixture.hpp"

namespace nchat::store::testing {
namespace {

class ChatStoreTest : public StoreTest {
protected:
    void SetUp() override {
        StoreTest::SetUp();
        if (IsSkipped()) return;
        stream_ = minimal_stream();
        store().create_stream(stream_);
    }

    ChatMessage message(std::string content, std::int64_t ms = 0, bool question = false) {
        ChatMessage m;
        m.id = util::new_uuid();
        m.stream_id = stream_.id;
        m.user_id = user_;
        m.user_name = "Zoë";
        m.content = std::move(content);
        m.is_question = question;
        m.created_at = at(ms);
        return m;
    }

    std::vector<std::string> contents(const std::vector<ChatMessage>& v) {
        std::vector<std::string> out;
        for (const auto& m : v)
            out.push_back(m.content);
        return out;
    }

    Stream stream_;
    std::string user_ = util::new_uuid();
    std::string mod_ = util::new_uuid();
};

TEST_P(ChatStoreTest, MessagesRoundTripInStoredOrderAndCountTowardTheStream) {
    // Same millisecond for all: the order is the order they were stored, not the clock's.
    std::vector<ChatMessage> batch{message("first ✓"), message("second 'quoted'"),
                                   message("third 日本語")};
    store().insert_chat_messages(batch);
    store().insert_chat_messages({message("fourth")});

    auto page = store().list_chat(stream_.id, 100, 0, false);
    EXPECT_THAT(contents(page),
                ::testing::ElementsAre("first ✓", "second 'quoted'", "third 日本語", "fourth"));
    EXPECT_EQ(page[0].id, batch[0].id);
    EXPECT_EQ(page[0].user_name, "Zoë");
    EXPECT_EQ(page[0].user_id, user_);
    EXPECT_EQ(page[0].created_at, at());
    EXPECT_FALSE(page[0].is_pinned);
    EXPECT_FALSE(page[0].is_deleted);

    // Newest last; offset skips the newest.
    EXPECT_THAT(contents(store().list_chat(stream_.id, 2, 0, false)),
                ::testing::ElementsAre("third 日本語", "fourth"));
    EXPECT_THAT(contents(store().list_chat(stream_.id, 2, 1, false)),
                ::testing::ElementsAre("second 'quoted'", "third 日本語"));
    EXPECT_EQ(store().get_stream(stream_.id)->total_chat_messages, 4);

    auto got = store().get_chat_message(stream_.id, batch[1].id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->content, "second 'quoted'");
    EXPECT_FALSE(store().get_chat_message(util::new_uuid(), batch[1].id));
    EXPECT_FALSE(store().get_chat_message(stream_.id, "nope"));
    EXPECT_THROW(store().insert_chat_messages({batch[0]}), Conflict);
}

TEST_P(ChatStoreTest, AFailedBatchStoresNothing) {
    auto ok = message("ok");
    auto orphan = message("no such stream");
    orphan.stream_id = util::new_uuid();
    EXPECT_THROW(store().insert_chat_messages({ok, orphan}), StoreError);
    EXPECT_TRUE(store().list_chat(stream_.id, 100, 0, true).empty());
    EXPECT_EQ(store().get_stream(stream_.id)->total_chat_messages, 0);
    // The connection is usable after the rollback.
    store().insert_chat_messages({ok});
    EXPECT_EQ(store().list_chat(stream_.id, 100, 0, true).size(), 1u);
}

TEST_P(ChatStoreTest, ChatAfterResumesFromAMessageAndSkipsDeletedOnes) {
    std::vector<ChatMessage> batch;
    for (int i = 0; i < 5; ++i)
        batch.push_back(message("m" + std::to_string(i)));
    store().insert_chat_messages(batch);
    EXPECT_TRUE(store().delete_chat_message(stream_.id, batch[3].id, mod_, at(9)));

    auto after = store().chat_after(stream_.id, batch[1].id, 100);
    ASSERT_TRUE(after);
    EXPECT_THAT(contents(*after), ::testing::ElementsAre("m2", "m4"));
    EXPECT_THAT(contents(*store().chat_after(stream_.id, batch[0].id, 2)),
                ::testing::ElementsAre("m1", "m2"));
    EXPECT_TRUE(store().chat_after(stream_.id, batch[4].id, 100)->empty());
    // Resuming from a deleted message still works: it is in the order.
    EXPECT_THAT(contents(*store().chat_after(stream_.id, batch[3].id, 100)),
                ::testing::ElementsAre("m4"));
    EXPECT_FALSE(store().chat_after(stream_.id, util::new_uuid(), 100));
    EXPECT_FALSE(store().chat_after(util::new_uuid(), batch[0].id, 100));
    EXPECT_FALSE(store().chat_after(stream_.id, "garbage", 100));
}

TEST_P(ChatStoreTest, DeletePinUnpinAndClear) {
    auto a = message("a"), b = message("b"), c = message("c");
    store().insert_chat_messages({a, b, c});

    EXPECT_TRUE(store().pin_chat_message(stream_.id, a.id));
    EXPECT_TRUE(store().pin_chat_message(stream_.id, b.id));  // unpins a
    EXPECT_FALSE(store().get_chat_message(stream_.id, a.id)->is_pinned);
    EXPECT_TRUE(store().get_chat_message(stream_.id, b.id)->is_pinned);
    EXPECT_FALSE(store().unpin_chat_message(stream_.id, a.id));
    EXPECT_TRUE(store().unpin_chat_message(stream_.id, b.id));
    EXPECT_FALSE(store().get_chat_message(stream_.id, b.id)->is_pinned);

    EXPECT_TRUE(store().pin_chat_message(stream_.id, c.id));
    EXPECT_TRUE(store().delete_chat_message(stream_.id, c.id, mod_, at(5)));
    EXPECT_FALSE(store().delete_chat_message(stream_.id, c.id, mod_, at(5)));  // already
    auto deleted = store().get_chat_message(stream_.id, c.id);
    EXPECT_TRUE(deleted->is_deleted);
    EXPECT_FALSE(deleted->is_pinned);  // deleting unpins
    EXPECT_FALSE(store().pin_chat_message(stream_.id, c.id));
    EXPECT_FALSE(store().pin_chat_message(stream_.id, util::new_uuid()));

    EXPECT_THAT(contents(store().list_chat(stream_.id, 100, 0, false)),
                ::testing::ElementsAre("a", "b"));
    EXPECT_THAT(contents(store().list_chat(stream_.id, 100, 0, true)),
                ::testing::ElementsAre("a", "b", "c"));

    EXPECT_EQ(store().clear_chat(stream_.id, mod_, at(6)), 2);
    EXPECT_EQ(store().clear_chat(stream_.id, mod_, at(6)), 0);
    EXPECT_TRUE(store().list_chat(stream_.id, 100, 0, false).empty());
    EXPECT_EQ(store().get_stream(stream_.id)->total_chat_messages, 3);
}

TEST_P(ChatStoreTest, ReactionsAreStoredInBatchesAndCounted) {
    std::vector<Reaction> batch;
    for (int i = 0; i < 3; ++i) {
        batch.push_back({util::new_uuid(), stream_.id, user_,
                         i == 1 ? "👩‍👩‍👧" : "❤️", 12.5 * i, 100.0 - i, at(i)});
    }
    batch[2].user_id.reset();
    store().insert_reactions(batch);
    store().insert_reactions({});
    EXPECT_EQ(store().get_stream(stream_.id)->total_reactions, 3);
    EXPECT_EQ(db().exec("SELECT count(*) FROM nchat_stream_reactions"), 3);

    auto recent = store().recent_reactions(stream_.id, 2);
    ASSERT_EQ(recent.size(), 2u);
    EXPECT_EQ(recent[0].emoji, "👩‍👩‍👧");
    EXPECT_DOUBLE_EQ(recent[0].position_x, 12.5);
    EXPECT_DOUBLE_EQ(recent[0].position_y, 99);
    EXPECT_EQ(recent[0].user_id, user_);
    EXPECT_EQ(recent[1].created_at, at(2));
    EXPECT_FALSE(recent[1].user_id);

    auto orphan = batch[0];
    orphan.id = util::new_uuid();
    orphan.stream_id = util::new_uuid();
    EXPECT_THROW(store().insert_reactions({orphan}), StoreError);
    EXPECT_EQ(store().get_stream(stream_.id)->total_reactions, 3);
}

TEST_P(ChatStoreTest, QuestionsSortByVotesAndVotesCountOncePerUser) {
    auto q1 = message("q1?", 0, true), q2 = message("q2?", 1, true), plain = message("hi", 2);
    store().insert_chat_messages({q1, q2, plain});
    auto voter = util::new_uuid(), other = util::new_uuid();

    EXPECT_TRUE(store().add_question_vote(q2.id, voter, at()));
    EXPECT_FALSE(store().add_question_vote(q2.id, voter, at()));  // once per user
    EXPECT_TRUE(store().add_question_vote(q2.id, other, at()));
    EXPECT_TRUE(store().add_question_vote(q1.id, other, at()));

    auto list = store().list_questions(stream_.id, std::nullopt, voter, 100, 0);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].message.id, q2.id);
    EXPECT_EQ(list[0].votes, 2);
    EXPECT_TRUE(list[0].has_voted);
    EXPECT_TRUE(list[0].message.is_question);
    EXPECT_EQ(list[1].votes, 1);
    EXPECT_FALSE(list[1].has_voted);
    EXPECT_EQ(list[1].status, QuestionStatus::open);
    // Anonymous readers have voted on nothing.
    EXPECT_FALSE(store().list_questions(stream_.id, std::nullopt, "", 100, 0)[0].has_voted);

    EXPECT_TRUE(store().remove_question_vote(q2.id, other));
    EXPECT_FALSE(store().remove_question_vote(q2.id, other));
    EXPECT_TRUE(store().remove_question_vote(q2.id, voter));
    // Ties: the oldest first.
    list = store().list_questions(stream_.id, std::nullopt, voter, 100, 0);
    EXPECT_EQ(list[0].message.id, q1.id);
    EXPECT_EQ(list[1].votes, 0);

    EXPECT_TRUE(store().set_question_status(stream_.id, q1.id, QuestionStatus::answered, at(7)));
    EXPECT_FALSE(store().set_question_status(stream_.id, plain.id, QuestionStatus::answered, at()));
    auto answered = store().get_question(stream_.id, q1.id, other);
    ASSERT_TRUE(answered);
    EXPECT_EQ(answered->status, QuestionStatus::answered);
    EXPECT_EQ(answered->answered_at, at(7));
    EXPECT_TRUE(answered->has_voted);
    EXPECT_EQ(store().list_questions(stream_.id, QuestionStatus::open, "", 100, 0).size(), 1u);
    EXPECT_TRUE(store().set_question_status(stream_.id, q1.id, QuestionStatus::dismissed, at(8)));
    EXPECT_FALSE(store().get_question(stream_.id, q1.id, "")->answered_at);

    store().delete_chat_message(stream_.id, q2.id, mod_, at());
    EXPECT_EQ(store().list_questions(stream_.id, std::nullopt, "", 100, 0).size(), 1u);
    EXPECT_FALSE(store().get_question(stream_.id, plain.id, ""));
}

TEST_P(ChatStoreTest, BansAndTimeouts) {
    auto banned = util::new_uuid(), timed = util::new_uuid();
    store().put_ban({stream_.id, banned, mod_, "spam", std::nullopt, at()});
    store().put_ban({stream_.id, timed, mod_, std::nullopt, at(60'000), at(1)});

    auto ban = store().active_ban(stream_.id, banned, at(10'000'000));
    ASSERT_TRUE(ban);
    EXPECT_EQ(ban->reason, "spam");
    EXPECT_FALSE(ban->expires_at);
    EXPECT_EQ(ban->banned_by, mod_);
    EXPECT_TRUE(store().active_ban(stream_.id, timed, at(59'999)));
    EXPECT_FALSE(store().active_ban(stream_.id, timed, at(60'000)));  // the timeout is over
    EXPECT_EQ(store().list_bans(stream_.id, at()).size(), 2u);
    EXPECT_EQ(store().list_bans(stream_.id, at(60'000)).size(), 1u);
    EXPECT_FALSE(store().active_ban(util::new_uuid(), banned, at()));

    // A new ban replaces the previous one.
    store().put_ban({stream_.id, banned, mod_, std::nullopt, at(5), at(2)});
    EXPECT_EQ(store().active_ban(stream_.id, banned, at())->expires_at, at(5));
    EXPECT_TRUE(store().remove_ban(stream_.id, banned));
    EXPECT_FALSE(store().remove_ban(stream_.id, banned));
    EXPECT_FALSE(store().active_ban(stream_.id, banned, at()));
}

TEST_P(ChatStoreTest, SlowModeAndModerationLog) {
    EXPECT_EQ(store().slow_mode(stream_.id), 0);
    store().set_slow_mode(stream_.id, 30, at());
    EXPECT_EQ(store().slow_mode(stream_.id), 30);
    store().set_slow_mode(stream_.id, 0, at(1));
    EXPECT_EQ(store().slow_mode(stream_.id), 0);

    ModerationEntry e;
    e.stream_id = stream_.id;
    e.actor_id = mod_;
    e.actor_name = "mod";
    e.action = "ban";
    e.target_user_id = user_;
    e.details = R"({"durationSeconds":60})";
    e.created_at = at();
    store().add_moderation_entry(e);
    e.action = "delete_message";
    e.target_message_id = util::new_uuid();
    e.details = "{}";
    store().add_moderation_entry(e);  // same millisecond: the id still orders them

    auto log = store().moderation_log(stream_.id, 100, 0);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].action, "delete_message");  // newest first
    EXPECT_EQ(log[1].action, "ban");
    EXPECT_GT(log[0].id, log[1].id);
    EXPECT_EQ(log[1].details, R"({"durationSeconds":60})");
    EXPECT_EQ(log[1].target_user_id, user_);
    EXPECT_FALSE(log[1].target_message_id);
    EXPECT_EQ(log[1].created_at, at());
    EXPECT_EQ(store().moderation_log(stream_.id, 1, 1)[0].action, "ban");

    // Everything of the stream goes with it.
    store().delete_stream(stream_.id);
    EXPECT_EQ(db().exec("SELECT count(*) FROM nchat_stream_moderation_log"), 0);
    EXPECT_EQ(db().exec("SELECT count(*) FROM nchat_stream_chat_settings"), 0);
}

TEST_P(ChatStoreTest, TransactionsRollBackAndNest) {
    EXPECT_THROW(store().transaction([&] {
        store().insert_chat_messages({message("gone")});  // joins, does not commit
        throw std::runtime_error("abort");
    }),
                 std::runtime_error);
    EXPECT_TRUE(store().list_chat(stream_.id, 100, 0, true).empty());
    store().transaction([&] {
        store().insert_chat_messages({message("kept")});
        store().set_slow_mode(stream_.id, 5, at());
    });
    EXPECT_EQ(store().list_chat(stream_.id, 100, 0, true).size(), 1u);
    EXPECT_EQ(store().slow_mode(stream_.id), 5);
}

TEST_P(ChatStoreTest, ChatAndReactionsOfWallClockStretches) {
    // A replay's seconds (docs/recording.md, "Media time"): what was sent within the stretches,
    // [from, to), deleted messages left out, in stored order.
    store().insert_chat_messages({message("before", 0), message("a", 1000), message("b", 1999),
                                  message("edge", 2000), message("paused", 5000),
                                  message("c", 8000), message("gone", 8500)});
    auto gone = store().list_chat(stream_.id, 1, 0, false).front();
    ASSERT_TRUE(store().delete_chat_message(stream_.id, gone.id, mod_, at(9000)));
    std::vector<TimeRange> two{{at(1000), at(2000)}, {at(7000), at(9000)}};
    EXPECT_THAT(contents(store().chat_between(stream_.id, two, 100)),
                ::testing::ElementsAre("a", "b", "c"));
    EXPECT_THAT(contents(store().chat_between(stream_.id, two, 2)),
                ::testing::ElementsAre("a", "b"));
    EXPECT_TRUE(store().chat_between(util::new_uuid(), two, 100).empty());
    EXPECT_TRUE(store().chat_between(stream_.id, {}, 100).empty());
    std::vector<TimeRange> too_many(kMaxTimeRanges + 1, TimeRange{at(0), at(1)});
    EXPECT_THROW(store().chat_between(stream_.id, too_many, 100), StoreError);

    std::vector<Reaction> reactions;
    for (int ms : {500, 1500, 7500, 9500}) {
        reactions.push_back({util::new_uuid(), stream_.id, user_, "🔥", 1, 2, at(ms)});
    }
    store().insert_reactions(reactions);
    auto got = store().reactions_between(stream_.id, two, 100);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].created_at, at(1500));
    EXPECT_EQ(got[1].created_at, at(7500));
    EXPECT_EQ(got[1].emoji, "🔥");
}

TEST_P(ChatStoreTest, ChannelRelationListsOldestFirst) {
    auto channel = util::new_uuid();
    auto a = util::new_uuid(), b = util::new_uuid();
    store().add_channel_relation(Store::Relation::follower, channel, a, at(1));
    store().add_channel_relation(Store::Relation::follower, channel, b, at(2));
    store().add_channel_relation(Store::Relation::moderator, channel, b, at(3));
    auto f = store().list_channel_relation(Store::Relation::follower, channel, 10, 0);
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].user_id, a);
    EXPECT_EQ(f[0].created_at, at(1));
    EXPECT_EQ(store().list_channel_relation(Store::Relation::follower, channel, 10, 1)[0].user_id,
              b);
    EXPECT_EQ(store().list_channel_relation(Store::Relation::moderator, channel, 10, 0).size(), 1u);
    EXPECT_TRUE(store().list_channel_relation(Store::Relation::subscriber, "x", 10, 0).empty());
}

// Data protection (issue 17): DELETE /api/users/me.
TEST_P(ChatStoreTest, DeleteUserDataRemovesTheirRowsAndLeavesOthersAndCounters) {
    store().create_user(User{user_, "Zoë", Role::viewer, at()});
    store().add_api_token(user_, "zoe-token", at());
    auto mine = message("mine"), question = message("my question?", 1, true);
    auto theirs = message("theirs", 2, true);
    theirs.user_id = mod_;
    store().insert_chat_messages({mine, question, theirs});
    EXPECT_TRUE(store().add_question_vote(theirs.id, user_, at()));  // her vote on theirs
    EXPECT_TRUE(store().add_question_vote(question.id, mod_, at()));
    store().insert_reactions({{util::new_uuid(), stream_.id, user_, "❤️", 1, 2, at()},
                              {util::new_uuid(), stream_.id, mod_, "👍", 1, 2, at()}});
    ViewerBatch b;
    ViewerSession v;
    v.id = util::new_uuid();
    v.stream_id = stream_.id;
    v.user_id = user_;
    v.session_id = "n:1";
    v.joined_at = at();
    b.started.push_back(v);
    v.id = util::new_uuid();
    v.user_id.reset();
    b.started.push_back(v);
    store().record_viewers(b);
    store().add_channel_relation(Store::Relation::follower, stream_.channel_id, user_, at());

    auto d = store().delete_user_data(user_);
    EXPECT_EQ(d.chat_messages, 2);
    EXPECT_EQ(d.reactions, 1);
    EXPECT_EQ(d.viewer_sessions, 1);
    EXPECT_EQ(d.question_votes, 1);
    EXPECT_EQ(d.api_tokens, 1);
    EXPECT_THAT(contents(store().list_chat(stream_.id, 100, 0, true)),
                ::testing::ElementsAre("theirs"));
    auto q = store().get_question(stream_.id, theirs.id, "");
    ASSERT_TRUE(q);
    EXPECT_EQ(q->votes, 0) << "her vote is gone from the count too";
    EXPECT_EQ(store().recent_reactions(stream_.id, 10).size(), 1u);
    EXPECT_EQ(store().list_viewer_sessions(stream_.id, 10, 0).size(), 1u);
    EXPECT_FALSE(store().user_by_token_hash("zoe-token"));
    EXPECT_FALSE(store().get_user(user_));
    EXPECT_FALSE(
        store().has_channel_relation(Store::Relation::follower, stream_.channel_id, user_));
    auto s = store().get_stream(stream_.id);
    EXPECT_EQ(s->total_chat_messages, 3) << "the stream's counters are not personal data";
    EXPECT_EQ(s->total_view_count, 2);
    EXPECT_EQ(store().delete_user_data(user_).chat_messages, 0);
}

// The retention sweep (issue 17): old chat, reactions and ended sessions go; open ones stay.
TEST_P(ChatStoreTest, SweepBeforeDeletesOldRowsOnly) {
    store().insert_chat_messages({message("old", 0), message("new", 10'000)});
    store().insert_reactions({{util::new_uuid(), stream_.id, user_, "❤️", 1, 2, at(0)},
                              {util::new_uuid(), stream_.id, user_, "❤️", 1, 2, at(10'000)}});
    ViewerBatch b;
    for (int i = 0; i < 3; ++i) {
        ViewerSession v;
        v.id = util::new_uuid();
        v.stream_id = stream_.id;
        v.session_id = "n:" + std::to_string(i);
        v.joined_at = at(0);
        if (i == 0) v.left_at = at(1);       // ended long ago: swept
        if (i == 1) v.left_at = at(10'000);  // ended recently: kept
        b.started.push_back(v);              // i == 2: still watching: kept
    }
    store().record_viewers(b);
    auto n = store().sweep_before(at(5'000));
    EXPECT_EQ(n.chat_messages, 1);
    EXPECT_EQ(n.reactions, 1);
    EXPECT_EQ(n.viewer_sessions, 1);
    EXPECT_THAT(contents(store().list_chat(stream_.id, 100, 0, true)),
                ::testing::ElementsAre("new"));
    EXPECT_EQ(store().list_viewer_sessions(stream_.id, 10, 0).size(), 2u);
    EXPECT_EQ(store().get_stream(stream_.id)->total_chat_messages, 2);
}

// API tokens (issue 17): last use, list, revoke by id.
TEST_P(ChatStoreTest, ApiTokensKeepTheirLastUseAndAreRevokedByTheirId) {
    store().create_user(User{user_, "Zoë", Role::broadcaster, at()});
    const std::string h1(64, 'a'), h2(64, 'b');
    store().add_api_token(user_, h1, at(0));
    store().add_api_token(user_, h2, at(1));
    auto t = store().api_token(h1);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->user.id, user_);
    EXPECT_EQ(t->created_at, at(0));
    EXPECT_FALSE(t->last_used_at);
    store().touch_api_token(h1, at(60'000));
    EXPECT_EQ(store().api_token(h1)->last_used_at, at(60'000));
    EXPECT_FALSE(store().api_token("nope"));

    auto all = store().list_api_tokens(user_);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].token_hash, h1);
    EXPECT_FALSE(store().delete_api_token(mod_, h1.substr(0, 16))) << "not someone else's";
    EXPECT_FALSE(store().delete_api_token(user_, "a")) << "a whole id only";
    EXPECT_FALSE(store().delete_api_token(user_, "%%%%%%%%%%%%%%%%"));
    EXPECT_TRUE(store().delete_api_token(user_, h1.substr(0, 16)));
    EXPECT_FALSE(store().api_token(h1));
    EXPECT_TRUE(store().api_token(h2));
}

// GET /api/streams/{id}/viewers: signed-in users with an open session, one line each.
TEST_P(ChatStoreTest, CurrentViewersAreSignedInUsersStillWatching) {
    ViewerBatch b;
    auto add = [&](std::optional<std::string> user, std::int64_t ms, bool left) {
        ViewerSession v;
        v.id = util::new_uuid();
        v.stream_id = stream_.id;
        v.user_id = std::move(user);
        v.session_id = "n:" + std::to_string(ms);
        v.joined_at = at(ms);
        if (left) v.left_at = at(ms + 1);
        b.started.push_back(v);
    };
    add(mod_, 5, false);
    add(user_, 1, false);
    add(user_, 3, false);  // her session on another node
    add(std::nullopt, 0, false);
    add(util::new_uuid(), 0, true);
    store().record_viewers(b);
    auto now = store().current_viewers(stream_.id, 10, 0);
    ASSERT_EQ(now.size(), 2u);
    EXPECT_EQ(now[0].user_id, user_);
    EXPECT_EQ(now[0].joined_at, at(1));
    EXPECT_EQ(now[1].user_id, mod_);
    EXPECT_EQ(store().current_viewers(stream_.id, 1, 1).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         ChatStoreTest,
                         ::testing::Values(Backend::sqlite, Backend::postgres),
                         param_name);

}  // namespace
}  // namespace nchat::store::testing
