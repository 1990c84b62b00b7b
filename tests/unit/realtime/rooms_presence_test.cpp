// Presence: viewer counts coalesced per tick, only changes announced, other nodes' counts
// summed and forgotten when a node goes silent.
#include <algorithm>

#include <gtest/gtest.h>

#include "realtime/presence.hpp"

namespace nchat::realtime {
namespace {

using namespace std::chrono_literals;
using TP = Presence::TimePoint;

std::int64_t find(const RoomCounts& c, const std::string& stream) {
    auto it = std::find_if(c.begin(), c.end(), [&](auto& p) { return p.first == stream; });
    return it == c.end() ? -1 : it->second;
}

TEST(Presence, ManyChangesInOneTickAreOneAnnouncement) {
    Presence p;
    TP t0{};
    for (int i = 0; i < 100; ++i)
        p.join("s", nullptr);
    for (int i = 0; i < 40; ++i)
        p.leave("s", nullptr);
    auto c = p.take_changes(t0);
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(find(c, "s"), 60);
    EXPECT_TRUE(p.take_changes(t0 + 1s).empty());  // nothing changed
}

TEST(Presence, AChangeThatCancelsOutIsNotAnnounced) {
    Presence p;
    std::string alice = "alice";
    p.join("s", &alice);
    EXPECT_EQ(p.take_changes(TP{}).size(), 1u);
    p.leave("s", &alice);
    p.join("s", &alice);
    EXPECT_TRUE(p.take_changes(TP{} + 1s).empty());
}

TEST(Presence, TheLastLeaveAnnouncesZeroOnce) {
    Presence p;
    p.join("s", nullptr);
    p.take_changes(TP{});
    p.leave("s", nullptr);
    auto c = p.take_changes(TP{} + 1s);
    EXPECT_EQ(find(c, "s"), 0);
    EXPECT_TRUE(p.take_changes(TP{} + 2s).empty());
    EXPECT_TRUE(p.local_counts().empty());
}

TEST(Presence, OtherNodesAreSummedAndExpire) {
    Presence p(5s);
    TP t0{};
    p.join("s", nullptr);
    p.join("s", nullptr);
    p.apply_remote("node-b", {{"s", 3}, {"t", 1}}, t0);
    p.apply_remote("node-c", {{"s", 1}}, t0);
    EXPECT_EQ(p.total("s"), 6);
    EXPECT_EQ(p.local("s"), 2);
    auto c = p.take_changes(t0);
    EXPECT_EQ(find(c, "s"), 6);
    EXPECT_EQ(find(c, "t"), 1);
    // node-b reports again without t; node-c goes silent.
    p.apply_remote("node-b", {{"s", 3}}, t0 + 4s);
    c = p.take_changes(t0 + 4s);
    EXPECT_EQ(find(c, "t"), 0);
    EXPECT_EQ(find(c, "s"), -1);  // unchanged
    c = p.take_changes(t0 + 6s);  // node-c expired (5 s)
    EXPECT_EQ(find(c, "s"), 5);
    auto local = p.local_counts();
    ASSERT_EQ(local.size(), 1u);
    EXPECT_EQ(local[0], (std::pair<std::string, std::int64_t>{"s", 2}));
}

}  // namespace
}  // namespace nchat::realtime
