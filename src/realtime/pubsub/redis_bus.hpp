#pragma once
// The EventBus for several nodes (issue 6, Several nodes; DESIGN.md, Scale past one machine):
// Redis pub/sub through hiredis. An event is delivered to this node's rooms at once and
// published for the others on `<prefix>:events`, tagged with this node's id so the echo Redis
// sends back is ignored. Every second the node's viewer counts go out on `<prefix>:presence`
// and the others' come in, so every node reports one count per stream.
//
// Threads: one publisher thread (its own connection, PUBLISH pipelined from a bounded queue:
// beyond max_queue an event is not sent to other nodes, and counted) and one subscriber thread
// (SUBSCRIBE on a second connection). Both reconnect with backoff (100 ms doubling to 5 s);
// what is published while the subscriber is away is lost for this node (at-most-once, like
// Redis pub/sub itself). publish() never blocks.
//
// It also carries the origin registry (docs/deploy.md, "Several nodes"): with the presence,
// every second, each node says on `<prefix>:origins` which streams it ingests and packages and
// its public URL; a stream not heard of for kOriginTtl has no origin any more (its node
// stopped or died). No key is stored in Redis: the heartbeat is the registry.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "realtime/events.hpp"
#include "realtime/presence.hpp"

namespace nchat::realtime {

class Hub;

struct RedisUrl {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string password;
};
// redis://[[user]:password@]host[:port][/db]; throws std::invalid_argument.
RedisUrl parse_redis_url(const std::string& url);

struct RedisBusOptions {
    std::string url;
    std::string node_id;           // unique per process; empty: a random one
    std::string prefix = "nchat";  // channel names
    std::size_t max_queue = 10'000;
};

struct RedisBusStats {
    std::uint64_t published = 0;        // events and presence messages sent to Redis
    std::uint64_t publish_dropped = 0;  // not sent: queue full, or lost with a connection
    std::uint64_t received = 0;         // events from other nodes, delivered here
    std::uint64_t own_echoes = 0;       // our own events coming back, ignored
    std::uint64_t bad_messages = 0;     // not in our format
    std::uint64_t reconnects = 0;
    bool subscribed = false;
};

// The wire format, exposed for tests. An event: {"node","streamId","type","data","userId"?}.
// Presence: {"node","counts":{streamId: n}}.
std::string encode_bus_event(const std::string& node, const Event& e);
struct BusEvent {
    std::string node;
    Event event;
};
std::optional<BusEvent> decode_bus_event(std::string_view payload);
std::string encode_presence(const std::string& node, const RoomCounts& counts);
std::optional<std::pair<std::string, RoomCounts>> decode_presence(std::string_view payload);
// Origins: {"node","url","streams":[id, …]}.
struct OriginAnnouncement {
    std::string node;
    std::string url;
    std::vector<std::string> streams;
};
std::string encode_origins(const OriginAnnouncement& a);
std::optional<OriginAnnouncement> decode_origins(std::string_view payload);

class RedisBus final : public EventBus {
public:
    // Registers as the hub's presence publisher: construct before hub.start().
    RedisBus(Hub& hub, RedisBusOptions opts);
    ~RedisBus() override;  // stop()
    RedisBus(const RedisBus&) = delete;
    RedisBus& operator=(const RedisBus&) = delete;

    void start();
    // Sends what is queued (briefly), then joins the threads. Idempotent.
    void stop();

    void publish(Event e) override;
    const std::string& node_id() const { return opts_.node_id; }

    // A stream another node announced as its own less than this long ago has its origin there.
    static constexpr std::chrono::seconds kOriginTtl{3};
    // Set before start(): the streams this node packages now, announced every second with
    // this node's public URL (set once it is known; nothing is announced before).
    void set_local_streams(std::function<std::vector<std::string>()> f);
    void set_public_url(std::string url);
    // Any thread: the public URL of the node packaging `stream_id`, when another node does.
    std::optional<std::string> origin_of(const std::string& stream_id) const;
    RedisBusStats stats() const;

private:
    struct Outgoing {
        const std::string* channel;
        std::string payload;
    };
    void enqueue(const std::string& channel, std::string payload);
    void publisher_loop();
    void subscriber_loop();
    void on_message(std::string_view channel, std::string_view payload);
    // Waits `d` or until stop; false when stopping.
    bool pause(std::chrono::milliseconds d);

    // What the hub's presence ticker reaches this bus through: cleared (under its mutex) before
    // the bus is destroyed, so a tick on a network thread never calls into a dead bus.
    struct Link {
        std::mutex mu;
        RedisBus* bus = nullptr;
    };

    void announce_origins();
    void on_origins(OriginAnnouncement a);

    Hub& hub_;
    std::shared_ptr<Link> link_ = std::make_shared<Link>();
    std::function<std::vector<std::string>()> local_streams_;
    struct Remote {
        std::string url;
        std::chrono::steady_clock::time_point seen;
    };
    mutable std::mutex origins_mu_;
    std::string public_url_;                           // under origins_mu_
    std::unordered_map<std::string, Remote> origins_;  // by stream id; bounded (on_origins)
    RedisBusOptions opts_;
    RedisUrl url_;
    const std::string events_channel_;
    const std::string presence_channel_;
    const std::string origins_channel_;

    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Outgoing> queue_;  // under mu_
    bool stop_ = false;           // under mu_
    std::atomic<bool> stopping_{false};

    std::thread publisher_;
    std::thread subscriber_;

    std::atomic<std::uint64_t> published_{0}, dropped_{0}, received_{0}, echoes_{0}, bad_{0},
        reconnects_{0};
    std::atomic<bool> subscribed_{false};
};

}  // namespace nchat::realtime
