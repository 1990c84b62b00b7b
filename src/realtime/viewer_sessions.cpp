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
    auto [it, fresh] = open_.try_emplace(key(stream_id, user_id, connection));
    if (!fresh) return;  // already open (Presence reports each transition once)
    auto& o = it->second;
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
    end_locked(it->second, now);
    open_.erase(it);
}

void ViewerSessions::end_locked(Open& o, util::Time now) {
    if (!o.queued) return;
    auto seconds = store::watch_seconds(o.joined_at, now);
    // Not taken yet: its row is inserted closed.
    if (auto q = queued_start_.find(o.id); q != queued_start_.end()) {
        auto& row = batch_.started[q->second];
        row.left_at = now;
        row.watch_seconds = seconds;
        queued_start_.erase(q);
        return;
    }
    if (pending_locked() >= max_pending_) {
        ++dropped_;  // its row stays open until the stream ends
        return;
    }
    batch_.left.push_back({o.id, now, seconds});
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
        end_locked(o, now);
    open_.clear();
}

store::ViewerBatch ViewerSessions::take() {
    std::lock_guard lock(mu_);
    store::ViewerBatch out = std::move(batch_);
    batch_ = {};
    queued_start_.clear();
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
