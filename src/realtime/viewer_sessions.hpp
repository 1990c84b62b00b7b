#pragma once
// Viewer sessions of this node (issue 6, Presence; docs/realtime.md, Viewer counts): a
// signed-in user in a stream's room from their first connection joining it until their last
// leaves, an anonymous connection from subscribe to unsubscribe or close. Presence reports the
// transitions (under its lock, so they arrive in order), the hub's tick the room totals
// (peaks); this turns them into rows for nchat_stream_viewers and counters for nchat_streams,
// queued until the next batch is taken (Service stores them about once a second).
//
// One view per viewer and stream within the rejoin window (issue 17): a viewer who comes back
// within kRejoinWindow of leaving (an anonymous connection that subscribes again, a user who
// reopens a tab) continues the session they left, the same row, and adds no view; so a
// subscribe/unsubscribe loop cannot inflate totalViewCount.
//
// Thread-safe and never blocks: in-memory work under a mutex. The queue is bounded: a session
// that does not fit is not recorded (counted); a leave that does not fit leaves its row open
// until the stream ends, which closes it.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/types.hpp"

namespace nchat::util {
class Clock;
}

namespace nchat::realtime {

struct ViewerSessionStats {
    std::uint64_t started = 0;  // sessions queued for storage
    std::uint64_t dropped = 0;  // sessions or leaves not queued: the queue was full
    std::int64_t open = 0;      // sessions open on this node now
};

class ViewerSessions {
public:
    static constexpr std::chrono::minutes kRejoinWindow{5};

    // `node` names this process in session ids ("<node>:<connection>").
    ViewerSessions(util::Clock& clock, std::string node, std::size_t max_pending = 100'000);
    ViewerSessions(const ViewerSessions&) = delete;
    ViewerSessions& operator=(const ViewerSessions&) = delete;

    // user_id nullptr: the anonymous connection `connection`. A user's session is keyed by the
    // user; `connection` (the one that opened it) only names it.
    void started(const std::string& stream_id,
                 const std::string* user_id,
                 std::uint64_t connection);
    void ended(const std::string& stream_id, const std::string* user_id, std::uint64_t connection);
    // The room's viewer count (all nodes) now; the highest since the last take() is its peak.
    void saw(const std::string& stream_id, std::int64_t viewers);
    // Graceful shutdown: every open session ends now; later starts are ignored.
    void end_all();

    // Everything queued, emptied.
    store::ViewerBatch take();
    // Rows of a taken batch that could not be stored.
    void count_lost(std::size_t rows) { dropped_ += rows; }

    ViewerSessionStats stats() const;

private:
    struct Open {
        std::string id;               // the row's
        util::Time joined_at;         // of this stay
        std::int64_t watched_ms = 0;  // of the stays before it (rejoined)
        bool queued = false;          // false: dropped, nothing to close
    };
    // A session that ended less than kRejoinWindow ago, which its viewer may continue.
    struct Recent {
        std::string id;
        util::Time left_at;
        std::int64_t watched_ms = 0;
    };
    static std::string key(const std::string& stream_id,
                           const std::string* user_id,
                           std::uint64_t connection);
    void end_locked(const std::string& k, Open& o, util::Time now);
    void rejoin_locked(Open& o, Recent r, util::Time now);
    void expire_recent_locked(util::Time now);
    std::size_t pending_locked() const {
        return batch_.started.size() + batch_.left.size() + batch_.rejoined.size();
    }

    util::Clock& clock_;
    const std::string node_;
    const std::size_t max_pending_;
    mutable std::mutex mu_;
    std::unordered_map<std::string, Open> open_;                 // by key()
    store::ViewerBatch batch_;                                   // peaks are in peaks_ until take()
    std::unordered_map<std::string, std::size_t> queued_start_;  // row id → batch_.started index
    std::unordered_map<std::string, std::size_t> queued_left_;   // row id → batch_.left index
    std::unordered_map<std::string, Recent> recent_;             // by key()
    std::deque<std::pair<util::Time, std::string>> recent_order_;  // (left_at, key), oldest first
    std::unordered_map<std::string, std::int64_t> peaks_;
    bool stopped_ = false;
    std::atomic<std::uint64_t> started_{0};
    std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace nchat::realtime
