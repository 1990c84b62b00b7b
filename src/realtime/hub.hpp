#pragma once
// The rooms of this node, sharded: each shard is a strand with its own connections and rooms,
// so a fan-out is plain function calls on one strand (STYLE.md, Asio) and the shards run on
// the network threads side by side. An event is serialized once and posted to every shard;
// each hands the same bytes to its members of the room.
//
// The hub also ticks: once a second every shard checks its connections' heartbeats and
// deadlines, and the viewer counts that changed are announced in their rooms (`viewers`, at
// most once a second per room), noted as peaks for the viewer sessions (Presence) and, with
// several nodes, published for the others.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "realtime/events.hpp"
#include "realtime/presence.hpp"
#include "realtime/rooms.hpp"

namespace nchat::realtime {

namespace net = boost::asio;

// Counters of one shard; written on its strand, read from anywhere.
struct ShardStats {
    std::atomic<std::uint64_t> events{0};            // events fanned out
    std::atomic<std::uint64_t> deliveries{0};        // frames queued to members
    std::atomic<std::uint64_t> dropped{0};           // frames refused by a full queue
    std::atomic<std::uint64_t> slow_closed{0};       // connections closed as too slow
    std::atomic<std::uint64_t> bad_frames{0};        // client frames answered with an error
    std::atomic<std::uint64_t> heartbeat_closed{0};  // no pong in time
    std::atomic<std::int64_t> connections{0};
};

class Shard {
public:
    using Executor = net::strand<net::io_context::executor_type>;

    Shard(net::io_context& ioc, Presence& presence);
    Shard(const Shard&) = delete;
    Shard& operator=(const Shard&) = delete;

    const Executor& executor() const { return strand_; }
    ShardStats& stats() { return stats_; }

    // ---- on the shard's strand ----
    Rooms& rooms() { return rooms_; }
    void attach(Member& m);
    void detach(Member& m);
    void fan_out(const OutEventPtr& e);
    void tick(std::chrono::steady_clock::time_point now);
    void shutdown_all(bool now);

private:
    Executor strand_;
    Rooms rooms_;
    Member* head_ = nullptr;  // connections, for ticks and shutdown
    ShardStats stats_;
};

struct HubOptions {
    unsigned shards = 2;  // one per network thread
    std::chrono::milliseconds tick{1000};
    // Where shard i runs: shard_contexts[i % size]; empty = all on the Hub's io_context. With one
    // io_context per network thread (app/io_pool.hpp) each shard gets its own thread.
    std::vector<net::io_context*> shard_contexts{};
};

struct HubTotals {
    std::uint64_t events = 0;
    std::uint64_t deliveries = 0;
    std::uint64_t dropped = 0;
    std::uint64_t slow_closed = 0;
    std::uint64_t bad_frames = 0;
    std::uint64_t heartbeat_closed = 0;
    std::int64_t connections = 0;
};

class Hub {
public:
    Hub(net::io_context& ioc, HubOptions opts);
    ~Hub();
    Hub(const Hub&) = delete;
    Hub& operator=(const Hub&) = delete;

    void start();
    void stop();

    // Any thread: to the rooms of this node (the buses call this; so does presence).
    void deliver(const Event& e);
    void deliver(OutEventPtr e);

    // Any thread: where the next connection goes (round robin).
    Shard& pick_shard();
    std::size_t shard_count() const { return shards_.size(); }
    Shard& shard(std::size_t i) { return *shards_[i]; }

    Presence& presence() { return presence_; }
    // With several nodes: called every tick with this node's counts (set before start()).
    using PresencePublisher = std::function<void(const RoomCounts&)>;
    void set_presence_publisher(PresencePublisher p) { publish_presence_ = std::move(p); }

    // Set before start(): told of every event this node delivers, on the deliverer's thread;
    // must not block (it ends what lives outside the rooms: a revoked viewer's WHEP sessions).
    using Observer = std::function<void(const OutEvent&)>;
    void set_observer(Observer o) { observer_ = std::move(o); }

    HubTotals totals() const;

private:
    void schedule_tick();
    void on_tick();

    net::io_context& ioc_;
    HubOptions opts_;
    Presence presence_;
    std::vector<std::unique_ptr<Shard>> shards_;
    std::atomic<std::size_t> next_{0};
    Shard::Executor strand_;  // the ticker
    net::steady_timer timer_;
    bool running_ = false;  // on strand_
    PresencePublisher publish_presence_;
    Observer observer_;
};

}  // namespace nchat::realtime
