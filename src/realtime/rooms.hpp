#pragma once
// A room per stream: the connections subscribed to it, on one shard. An event is serialized
// once (OutEvent) and every member's queue gets the same shared bytes; nothing is copied per
// member (DESIGN.md, Threads; issue 6, Performance).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "realtime/events.hpp"
#include "realtime/ws/frame.hpp"

namespace nchat::realtime {

class Presence;

// One event on its way to the rooms of this node.
struct OutEvent {
    std::string stream_id;
    std::string type;
    std::optional<std::string> user_id;  // set: only this user's connections receive it
    std::string message_id;              // chat.message: the message's id (resume dedupe)
    ws::Frame frame;                     // the complete WebSocket frame
};
using OutEventPtr = std::shared_ptr<const OutEvent>;

// Serializes `e` into its envelope and frame, once.
OutEventPtr make_out_event(const Event& e);

class Room;
class Shard;

// A connection as its shard sees it. Every call is on the shard's strand.
class Member {
public:
    Member();
    virtual ~Member() = default;
    // This process's number for the connection, unique while it runs (viewer sessions).
    std::uint64_t connection() const { return connection_; }
    virtual void deliver(const OutEventPtr& e) = 0;
    virtual const std::string* user_id() const = 0;  // nullptr: anonymous
    // Rooms keep members in a vector; removing one moves the last into its place.
    virtual void moved(Room& room, std::size_t index) = 0;
    // About once a second: heartbeats and deadlines.
    virtual void tick(std::chrono::steady_clock::time_point now) = 0;
    // The server is stopping: close with 1001, or (now) drop the connection at once.
    virtual void shutdown(bool now) = 0;

private:
    friend class Shard;
    const std::uint64_t connection_;
    Member* prev_ = nullptr;  // the shard's list of connections
    Member* next_ = nullptr;
};

class Room {
public:
    explicit Room(std::string stream_id) : stream_id_(std::move(stream_id)) {}
    const std::string& stream_id() const { return stream_id_; }
    std::size_t size() const { return members_.size(); }

private:
    friend class Rooms;
    std::string stream_id_;
    std::vector<Member*> members_;
};

struct Joined {
    Room* room = nullptr;
    std::size_t index = 0;
};

// One shard's rooms; on the shard's strand only. Joins and leaves are told to `presence`
// (thread-safe, shared by the shards) for the viewer counts.
class Rooms {
public:
    explicit Rooms(Presence* presence = nullptr) : presence_(presence) {}
    Rooms(const Rooms&) = delete;
    Rooms& operator=(const Rooms&) = delete;

    Joined join(const std::string& stream_id, Member& m);
    // `index` as last given by join() or Member::moved().
    void leave(Room& room, std::size_t index);
    // Every member (or, for a targeted event, the user's connections) gets `e`. Returns how
    // many members it was handed to.
    std::size_t deliver(const OutEventPtr& e);

    const Room* find(const std::string& stream_id) const;
    std::size_t room_count() const { return rooms_.size(); }

private:
    std::unordered_map<std::string, Room> rooms_;
    Presence* presence_;
};

}  // namespace nchat::realtime
