#include "realtime/viewer_sessions.hpp"

#include <algorithm>

#include "util/clock.hpp"
#include "util/ids.hpp"

namespace nchat::realtime {

ViewerSessions::ViewerSessions(util::Clock& clock, std::string node, std::size_t max_pending)
    : clock_(clock), node_(std::move(node)), max_pending_(max_pending) {}

std::string ViewerSessions::key(const std::string& stream_id,
                                const std::string* user_id,
                                std::uint64_t connection) {
    // A stream id never holds '\n'; the prefix keeps a user and a connection number apart.
    std::string k = stream_id;
    k += user_id ? "\nu" + *user_id : "\nc" + std::to_string(connection);
    return k;
}

void ViewerSessions::started(const std::string& stream_id,
                             const std::string* user_id,
                             std::uint64_t connection) {
    auto now = clock_.now();
    std::lock_guard lock(mu_);
    if (stopped_) return;
    auto k = key(stream_id, user_id, connection);
    auto [it, fresh] = open_.try_emplace(k);
    if (!fresh) return;  // already open (Presence reports each transition once)
    auto& o = it->second;
    if (auto r = recent_.find(k); r != recent_.end()) {
        Recent back = std::move(r->second);
        recent_.erase(r);
        if (now - back.left_at <= kRejoinWindow) {
            rejoin_locked(o, std::move(back), now);
            return;
        }
    }
    o.id = util::new_uuid();
    o.joined_at = now;
    if (pending_locked() >= max_pending_) {
        ++dropped_;  // not recorded; its leave will find nothing to close
        return;
    }
    store::ViewerSession row;
    row.id = o.id;
    row.stream_id = stream_id;
    if (user_id) row.user_id = *user_id;
    row.session_id = node_ + ":" + std::to_string(connection);
    row.joined_at = now;
    queued_start_.emplace(o.id, batch_.started.size());
    batch_.started.push_back(std::move(row));
    o.queued = true;
    ++started_;
}

void ViewerSessions::ended(const std::string& stream_id,
                           const std::string* user_id,
                           std::uint64_t connection) {
    auto now = clock_.now();
    std::lock_guard lock(mu_);
    auto it = open_.find(key(stream_id, user_id, connection));
    if (it == open_.end()) return;
    end_locked(it->first, it->second, now);
    open_.erase(it);
}

// The viewer is back within the window: the session `r` goes on in `o`, and is no new view.
void ViewerSessions::rejoin_locked(Open& o, Recent r, util::Time now) {
    o.id = std::move(r.id);
    o.joined_at = now;
    o.watched_ms = r.watched_ms;
    o.queued = true;
    if (auto q = queued_start_.find(o.id); q != queued_start_.end()) {
        auto& row = batch_.started[q->second];  // not stored yet: it is inserted open
        row.left_at.reset();
        row.watch_seconds = 0;
        return;
    }
    if (auto l = queued_left_.find(o.id); l != queued_left_.end()) {
        // Its leave is not stored yet: drop it (swap with the last, which moves index).
        const std::size_t i = l->second;
        queued_left_.erase(l);
        if (i + 1 != batch_.left.size()) {
            batch_.left[i] = std::move(batch_.left.back());
            queued_left_[batch_.left[i].id] = i;
        }
        batch_.left.pop_back();
        return;  // the stored row is open, or its pending rejoin opens it again
    }
    if (pending_locked() >= max_pending_) {
        o.queued = false;
        ++dropped_;
        return;  // not a new view either: the stored row stays closed
    }
    batch_.rejoined.push_back(o.id);
}

void ViewerSessions::end_locked(const std::string& k, Open& o, util::Time now) {
    if (!o.queued) return;
    // Milliseconds add up over the stays: a loop of short ones is not rounded down to nothing.
    const auto stay = std::chrono::duration_cast<std::chrono::milliseconds>(now - o.joined_at);
    const std::int64_t watched = o.watched_ms + std::max<std::int64_t>(0, stay.count());
    const std::int64_t seconds = watched / 1000;
    // Both bounded: a viewer who loops leaves one entry in recent_ but one per leave in the
    // order queue, until they expire.
    if (!stopped_ && recent_.size() < max_pending_ && recent_order_.size() < max_pending_) {
        recent_[k] = Recent{o.id, now, watched};
        recent_order_.emplace_back(now, k);
    }
    // Not taken yet: its row is inserted closed (kept in queued_start_: a rejoin reopens it).
    if (auto q = queued_start_.find(o.id); q != queued_start_.end()) {
        auto& row = batch_.started[q->second];
        row.left_at = now;
        row.watch_seconds = seconds;
        return;
    }
    if (pending_locked() >= max_pending_) {
        ++dropped_;  // its row stays open until the stream ends
        return;
    }
    queued_left_[o.id] = batch_.left.size();
    batch_.left.push_back({o.id, now, seconds});
}

void ViewerSessions::expire_recent_locked(util::Time now) {
    while (!recent_order_.empty() && now - recent_order_.front().first > kRejoinWindow) {
        auto& [left_at, k] = recent_order_.front();
        // Only the entry this leave made: a later leave of the same viewer replaced it.
        if (auto r = recent_.find(k); r != recent_.end() && r->second.left_at == left_at)
            recent_.erase(r);
        recent_order_.pop_front();
    }
}

void ViewerSessions::saw(const std::string& stream_id, std::int64_t viewers) {
    if (viewers <= 0) return;
    std::lock_guard lock(mu_);
    auto& p = peaks_[stream_id];
    p = std::max(p, viewers);
}

void ViewerSessions::end_all() {
    auto now = clock_.now();
    std::lock_guard lock(mu_);
    stopped_ = true;
    for (auto& [k, o] : open_)
        end_locked(k, o, now);
    open_.clear();
    recent_.clear();
    recent_order_.clear();
}

store::ViewerBatch ViewerSessions::take() {
    std::lock_guard lock(mu_);
    expire_recent_locked(clock_.now());
    store::ViewerBatch out = std::move(batch_);
    batch_ = {};
    queued_start_.clear();
    queued_left_.clear();
    out.peaks.reserve(peaks_.size());
    for (auto& [stream, n] : peaks_)
        out.peaks.emplace_back(stream, n);
    peaks_.clear();
    return out;
}

ViewerSessionStats ViewerSessions::stats() const {
    ViewerSessionStats s;
    s.started = started_;
    s.dropped = dropped_;
    std::lock_guard lock(mu_);
    s.open = std::int64_t(open_.size());
    return s;
}

}  // namespace nchat::realtime
