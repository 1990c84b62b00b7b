// Rooms: fan-out of one shared frame to every member, targeted events, leaving (the swap that
// moves the last member), the viewer counts they report; the hub across shards.
#include "realtime/rooms.hpp"

#include <future>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "realtime/hub.hpp"
#include "realtime/presence.hpp"

namespace nchat::realtime {
namespace {

struct FakeMember : Member {
    explicit FakeMember(std::optional<std::string> user = std::nullopt) : user(std::move(user)) {}
    void deliver(const OutEventPtr& e) override { got.push_back(e); }
    const std::string* user_id() const override { return user ? &*user : nullptr; }
    void moved(Room& r, std::size_t i) override {
        room = &r;
        index = i;
    }
    void tick(std::chrono::steady_clock::time_point) override { ++ticks; }
    void shutdown(bool now) override { shutdowns.push_back(now); }

    void join(Rooms& rooms, const std::string& stream) {
        auto j = rooms.join(stream, *this);
        room = j.room;
        index = j.index;
    }
    void leave(Rooms& rooms) { rooms.leave(*room, index); }

    std::optional<std::string> user;
    std::vector<OutEventPtr> got;
    Room* room = nullptr;
    std::size_t index = 0;
    int ticks = 0;
    std::vector<bool> shutdowns;
};

Event event(std::string stream, std::string type, nlohmann::json data = nlohmann::json::object()) {
    return Event{std::move(stream), std::move(type), std::move(data), std::nullopt};
}

TEST(OutEvent, IsSerializedOnceIntoAFrame) {
    auto e = make_out_event(event("s1", "chat.message", {{"id", "m1"}, {"content", "hi"}}));
    EXPECT_EQ(e->message_id, "m1");
    EXPECT_EQ(e->type, "chat.message");
    const auto& f = *e->frame;
    ASSERT_GE(f.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(f[0]), 0x81);  // FIN + text
    auto payload = nlohmann::json::parse(f.substr(2));
    EXPECT_EQ(payload["type"], "chat.message");
    EXPECT_EQ(payload["streamId"], "s1");
    EXPECT_EQ(payload["data"]["content"], "hi");
}

TEST(Rooms, FanOutHandsTheSameBytesToEveryMember) {
    Presence presence;
    Rooms rooms(&presence);
    std::vector<FakeMember> members(50);
    for (auto& m : members)
        m.join(rooms, "s1");
    FakeMember other;
    other.join(rooms, "s2");

    auto e = make_out_event(event("s1", "reaction", {{"emoji", "🔥"}}));
    EXPECT_EQ(rooms.deliver(e), 50u);
    for (auto& m : members) {
        ASSERT_EQ(m.got.size(), 1u);
        EXPECT_EQ(m.got[0]->frame.get(), e->frame.get());  // shared, not copied
    }
    EXPECT_TRUE(other.got.empty());
    // 50 queues + this test's handle: one string in memory.
    EXPECT_EQ(e->frame.use_count(), 1);
    EXPECT_EQ(e.use_count(), 51);
    EXPECT_EQ(rooms.deliver(make_out_event(event("nobody", "reaction"))), 0u);
}

TEST(Rooms, TargetedEventsReachOnlyThatUsersConnections) {
    Rooms rooms;
    FakeMember anon, alice1("alice"), alice2("alice"), bob("bob");
    for (auto* m : {&anon, &alice1, &alice2, &bob})
        m->join(rooms, "s");
    auto e = event("s", "moderation", {{"action", "ban"}});
    e.user_id = "alice";
    EXPECT_EQ(rooms.deliver(make_out_event(e)), 2u);
    EXPECT_EQ(alice1.got.size(), 1u);
    EXPECT_EQ(alice2.got.size(), 1u);
    EXPECT_TRUE(anon.got.empty());
    EXPECT_TRUE(bob.got.empty());
}

TEST(Rooms, LeavingMovesTheLastMemberAndEmptyRoomsGo) {
    Presence presence;
    Rooms rooms(&presence);
    FakeMember a, b, c;
    a.join(rooms, "s");
    b.join(rooms, "s");
    c.join(rooms, "s");
    EXPECT_EQ(c.index, 2u);
    a.leave(rooms);  // c takes index 0
    EXPECT_EQ(c.index, 0u);
    EXPECT_EQ(rooms.find("s")->size(), 2u);
    rooms.deliver(make_out_event(event("s", "reaction")));
    EXPECT_TRUE(a.got.empty());
    EXPECT_EQ(b.got.size(), 1u);
    EXPECT_EQ(c.got.size(), 1u);
    c.leave(rooms);
    b.leave(rooms);
    EXPECT_EQ(rooms.find("s"), nullptr);
    EXPECT_EQ(rooms.room_count(), 0u);
    EXPECT_EQ(presence.local("s"), 0);
}

TEST(Rooms, ViewerCountsAreDistinctUsersPlusAnonymousConnections) {
    Presence presence;
    Rooms rooms(&presence);
    FakeMember anon1, anon2, alice1("alice"), alice2("alice"), bob("bob");
    for (auto* m : {&anon1, &anon2, &alice1, &alice2, &bob})
        m->join(rooms, "s");
    EXPECT_EQ(presence.local("s"), 4);  // alice once
    alice1.leave(rooms);
    EXPECT_EQ(presence.local("s"), 4);  // alice still has a tab
    alice2.leave(rooms);
    anon1.leave(rooms);
    EXPECT_EQ(presence.local("s"), 2);
}

TEST(Hub, DeliversToEveryShardAndTicksItsMembers) {
    net::io_context ioc;
    Hub hub(ioc, HubOptions{3, std::chrono::milliseconds(10)});
    std::vector<FakeMember> members(6);
    for (std::size_t i = 0; i < members.size(); ++i) {
        auto& shard = hub.pick_shard();
        net::post(shard.executor(), [&shard, m = &members[i]] {
            shard.attach(*m);
            m->join(shard.rooms(), "s");
        });
    }
    hub.deliver(event("s", "chat.cleared", {{"count", 3}}));
    hub.start();
    std::thread t([&] { ioc.run_for(std::chrono::milliseconds(200)); });
    t.join();
    for (auto& m : members) {
        // The event, and the viewers count (6 anonymous) announced on a tick.
        ASSERT_GE(m.got.size(), 2u);
        EXPECT_EQ(m.got[0]->type, "chat.cleared");
        EXPECT_EQ(m.got[1]->type, "viewers");
        EXPECT_NE(m.got[1]->frame->find(R"("count":6)"), std::string::npos);
        EXPECT_GT(m.ticks, 0);
    }
    // Announced once: the count did not change on the later ticks.
    for (auto& m : members)
        EXPECT_EQ(m.got.size(), 2u);
    auto totals = hub.totals();
    EXPECT_EQ(totals.connections, 6);
    EXPECT_EQ(totals.events, 3u + 3u);  // two events, each posted to three shards
    EXPECT_EQ(totals.deliveries, 12u);
}

}  // namespace
}  // namespace nchat::realtime
