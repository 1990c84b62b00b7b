// The event buses: in-process delivery, the Redis wire format and URL, and two Redis buses on
// the throwaway Redis of the test services (skipped without it): an event crosses once, the
// publisher's own echo is ignored, presence is summed.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "realtime/hub.hpp"
#include "realtime/pubsub/in_process_bus.hpp"
#include "realtime/pubsub/redis_bus.hpp"
#include "util/ids.hpp"

namespace nchat::realtime {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

struct Recorder : Member {
    void deliver(const OutEventPtr& e) override {
        std::lock_guard lock(mu);
        got.push_back(e);
    }
    const std::string* user_id() const override { return nullptr; }
    void moved(Room&, std::size_t) override {}
    void tick(std::chrono::steady_clock::time_point) override {}
    void shutdown(bool) override {}
    // Events other than the hub's own viewer counts.
    std::size_t count() {
        std::lock_guard lock(mu);
        return std::count_if(got.begin(), got.end(), [](auto& e) { return e->type != "viewers"; });
    }
    std::mutex mu;
    std::vector<OutEventPtr> got;
};

// A hub on its own io_context thread, with one recording member in room `stream`.
struct Node {
    explicit Node(const std::string& stream) : hub(ioc, HubOptions{1, 100ms}) {
        auto& shard = hub.shard(0);
        net::post(shard.executor(), [&shard, this, stream] { shard.rooms().join(stream, member); });
    }
    void run() {
        hub.start();
        thread = std::thread([this] { ioc.run(); });
    }
    ~Node() {
        hub.stop();
        work.reset();
        ioc.stop();
        if (thread.joinable()) thread.join();
    }
    net::io_context ioc;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work{
        ioc.get_executor()};
    Hub hub;
    Recorder member;
    std::thread thread;
};

bool eventually(const std::function<bool()>& f, std::chrono::milliseconds t = 5s) {
    auto deadline = std::chrono::steady_clock::now() + t;
    while (std::chrono::steady_clock::now() < deadline) {
        if (f()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return f();
}

TEST(InProcessBus, PublishingIsDeliveringHere) {
    Node n("s");
    InProcessBus bus(n.hub);
    n.run();
    bus.publish(Event{"s", "reaction", {{"emoji", "🔥"}}, std::nullopt});
    EXPECT_TRUE(eventually([&] { return n.member.count() == 1; }));
}

TEST(RedisWire, EventsAndPresenceRoundTrip) {
    Event e{"s1", "moderation", {{"action", "ban"}}, std::string("u9")};
    auto d = decode_bus_event(encode_bus_event("node-a", e));
    ASSERT_TRUE(d);
    EXPECT_EQ(d->node, "node-a");
    EXPECT_EQ(d->event.stream_id, "s1");
    EXPECT_EQ(d->event.type, "moderation");
    EXPECT_EQ(d->event.data, e.data);
    EXPECT_EQ(d->event.user_id, "u9");
    EXPECT_FALSE(decode_bus_event("nope"));
    EXPECT_FALSE(decode_bus_event(R"({"node":"a","type":"x"})"));

    auto p = decode_presence(encode_presence("node-b", {{"s1", 3}, {"s2", 1}}));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->first, "node-b");
    EXPECT_EQ(p->second.size(), 2u);
    EXPECT_FALSE(decode_presence(R"({"node":"a","counts":[1]})"));
}

TEST(RedisWire, OriginAnnouncements) {
    auto a = decode_origins(encode_origins({"node-a", "http://10.0.0.1:8080", {"s1", "s2"}}));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->node, "node-a");
    EXPECT_EQ(a->url, "http://10.0.0.1:8080");
    EXPECT_EQ(a->streams, (std::vector<std::string>{"s1", "s2"}));
    EXPECT_FALSE(decode_origins("nope"));
    EXPECT_FALSE(decode_origins(R"({"node":"a","streams":["s1"]})"));              // no url
    EXPECT_FALSE(decode_origins(R"({"node":"a","url":"u","streams":"s1"})"));      // not a list
    EXPECT_FALSE(decode_origins(R"({"node":"a","url":"u","streams":["s1",2]})"));  // not ids
}

TEST(RedisWire, Urls) {
    auto u = parse_redis_url("redis://127.0.0.1:6380");
    EXPECT_EQ(u.host, "127.0.0.1");
    EXPECT_EQ(u.port, 6380);
    u = parse_redis_url("redis://:secret@cache.local/2");
    EXPECT_EQ(u.host, "cache.local");
    EXPECT_EQ(u.port, 6379);
    EXPECT_EQ(u.password, "secret");
    u = parse_redis_url("redis://[::1]:7000");
    EXPECT_EQ(u.host, "::1");
    EXPECT_EQ(u.port, 7000);
    EXPECT_THROW(parse_redis_url("http://x"), std::invalid_argument);
    EXPECT_THROW(parse_redis_url("redis://:1"), std::invalid_argument);
    EXPECT_THROW(parse_redis_url("redis://h:99999"), std::invalid_argument);
}

std::string test_redis() {
    const char* dir = std::getenv("NCHAT_TEST_SERVICES");
    if (!dir) return {};
    std::ifstream f(std::filesystem::path(dir) / "redis.url");
    std::string url;
    std::getline(f, url);
    return url;
}

TEST(RedisBus, TwoNodesShareEventsOnceAndOneCount) {
    auto url = test_redis();
    if (url.empty()) GTEST_SKIP() << "no Redis test service";
    // A prefix of its own: other tests may use the same Redis at the same time.
    RedisBusOptions o;
    o.url = url;
    o.prefix = "test-" + util::new_uuid();
    Node a("s"), b("s");
    o.node_id = "node-a";
    RedisBus bus_a(a.hub, o);
    o.node_id = "node-b";
    RedisBus bus_b(b.hub, o);
    a.run();
    b.run();
    bus_a.start();
    bus_b.start();
    ASSERT_TRUE(eventually([&] { return bus_a.stats().subscribed && bus_b.stats().subscribed; }));

    bus_a.publish(Event{"s", "chat.message", {{"id", "m1"}}, std::nullopt});
    bus_b.publish(Event{"s", "reaction", {{"id", "r1"}}, std::nullopt});
    ASSERT_TRUE(eventually([&] { return a.member.count() == 2 && b.member.count() == 2; }));
    // Once each bus has seen its own event come back, the echo was ignored: still two each.
    ASSERT_TRUE(
        eventually([&] { return bus_a.stats().own_echoes >= 1 && bus_b.stats().own_echoes >= 1; }));
    EXPECT_EQ(a.member.count(), 2u);
    EXPECT_EQ(b.member.count(), 2u);
    EXPECT_EQ(bus_a.stats().received, 1u);

    // Each node has one anonymous viewer in "s": both count two.
    EXPECT_TRUE(eventually([&] { return a.hub.presence().total("s") == 2; }));
    EXPECT_TRUE(eventually([&] { return b.hub.presence().total("s") == 2; }));
    bus_a.stop();
    bus_b.stop();
    EXPECT_EQ(bus_a.stats().publish_dropped, 0u);
}

TEST(RedisBus, AnUnreachableRedisNeitherBlocksNorDelaysLocalDelivery) {
    Node n("s");
    RedisBusOptions o;
    o.url = "redis://127.0.0.1:1";  // nothing listens there
    o.max_queue = 10;
    RedisBus bus(n.hub, o);
    n.run();
    bus.start();
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i)
        bus.publish(Event{"s", "reaction", {{"n", i}}, std::nullopt});
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
    EXPECT_TRUE(eventually([&] { return n.member.count() == 50; }));
    bus.stop();
    EXPECT_GE(bus.stats().publish_dropped, 40u);  // beyond the queue, and what was queued
}

}  // namespace
}  // namespace nchat::realtime
