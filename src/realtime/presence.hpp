#pragma once
// Viewer counts (issue 6, Presence): distinct viewers connected to a stream's room on this
// node (an authenticated user once however many tabs; every anonymous connection once), plus
// what the other nodes report. Thread-safe: the shards join and leave from their strands, the
// Redis subscriber reports remote counts from its thread, the hub's ticker reads.
//
// Across nodes each node publishes its local counts every second and sums the others' latest;
// a node not heard from for `remote_ttl` is forgotten (it died). A user connected to two nodes
// counts twice: distinctness holds per node.
//
// With a ViewerSessions attached, a viewer's arrival in a room (a user's first connection, an
// anonymous connection) starts a session there and its departure ends it, told under the lock
// so a start and its end never cross; the totals take_changes() computes are the peaks.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nchat::realtime {

using RoomCounts = std::vector<std::pair<std::string, std::int64_t>>;

class ViewerSessions;

class Presence {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    explicit Presence(std::chrono::milliseconds remote_ttl = std::chrono::seconds(5))
        : remote_ttl_(remote_ttl) {}

    // Before any join: where viewer sessions go (not owned; outlives this). Optional.
    void record_sessions(ViewerSessions* sessions) { sessions_ = sessions; }

    // user_id nullptr: an anonymous connection. `connection`: this process's number for the
    // connection (Member::connection()), which tells anonymous sessions apart.
    void join(const std::string& stream_id,
              const std::string* user_id,
              std::uint64_t connection = 0);
    void leave(const std::string& stream_id,
               const std::string* user_id,
               std::uint64_t connection = 0);

    // Another node's counts now (its rooms not listed have none).
    void apply_remote(const std::string& node, RoomCounts counts, TimePoint now);

    std::int64_t local(const std::string& stream_id) const;
    std::int64_t total(const std::string& stream_id) const;
    // This node's rooms with viewers, for the other nodes.
    RoomCounts local_counts() const;
    // The rooms whose total changed since the last call, with the new total (0 included):
    // the `viewers` events to send, at most one per room per call.
    RoomCounts take_changes(TimePoint now);

private:
    struct Local {
        std::int64_t anonymous = 0;
        std::unordered_map<std::string, int> users;  // connections per user
        std::int64_t count() const { return anonymous + std::int64_t(users.size()); }
    };
    struct Remote {
        std::unordered_map<std::string, std::int64_t> counts;
        TimePoint seen;
    };
    std::int64_t total_locked(const std::string& stream_id) const;

    const std::chrono::milliseconds remote_ttl_;
    mutable std::mutex mu_;
    std::unordered_map<std::string, Local> local_;
    std::unordered_map<std::string, Remote> remote_;  // by node id
    std::unordered_map<std::string, std::int64_t> announced_;
    std::unordered_map<std::string, bool> dirty_;  // rooms to look at in take_changes
    ViewerSessions* sessions_ = nullptr;
};

}  // namespace nchat::realtime
