#include "realtime/presence.hpp"

#include "realtime/viewer_sessions.hpp"

namespace nchat::realtime {

void Presence::join(const std::string& stream_id,
                    const std::string* user_id,
                    std::uint64_t connection) {
    std::lock_guard lock(mu_);
    auto& l = local_[stream_id];
    bool arrived = true;
    if (user_id) {
        arrived = ++l.users[*user_id] == 1;
    } else {
        ++l.anonymous;
    }
    dirty_[stream_id] = true;
    if (arrived && sessions_) sessions_->started(stream_id, user_id, connection);
}

void Presence::leave(const std::string& stream_id,
                     const std::string* user_id,
                     std::uint64_t connection) {
    std::lock_guard lock(mu_);
    auto it = local_.find(stream_id);
    if (it == local_.end()) return;
    auto& l = it->second;
    bool departed = false;
    if (user_id) {
        auto u = l.users.find(*user_id);
        if (u != l.users.end() && --u->second <= 0) {
            l.users.erase(u);
            departed = true;
        }
    } else if (l.anonymous > 0) {
        --l.anonymous;
        departed = true;
    }
    if (l.count() == 0) local_.erase(it);
    dirty_[stream_id] = true;
    if (departed && sessions_) sessions_->ended(stream_id, user_id, connection);
}

void Presence::apply_remote(const std::string& node, RoomCounts counts, TimePoint now) {
    std::lock_guard lock(mu_);
    auto& r = remote_[node];
    for (const auto& [stream, n] : r.counts)
        dirty_[stream] = true;
    r.counts.clear();
    for (auto& [stream, n] : counts) {
        if (n <= 0) continue;
        dirty_[stream] = true;
        r.counts[std::move(stream)] = n;
    }
    r.seen = now;
}

std::int64_t Presence::total_locked(const std::string& stream_id) const {
    std::int64_t n = 0;
    if (auto it = local_.find(stream_id); it != local_.end()) n += it->second.count();
    for (const auto& [node, r] : remote_) {
        if (auto it = r.counts.find(stream_id); it != r.counts.end()) n += it->second;
    }
    return n;
}

std::int64_t Presence::local(const std::string& stream_id) const {
    std::lock_guard lock(mu_);
    auto it = local_.find(stream_id);
    return it == local_.end() ? 0 : it->second.count();
}

std::int64_t Presence::total(const std::string& stream_id) const {
    std::lock_guard lock(mu_);
    return total_locked(stream_id);
}

RoomCounts Presence::local_counts() const {
    std::lock_guard lock(mu_);
    RoomCounts out;
    out.reserve(local_.size());
    for (const auto& [stream, l] : local_)
        out.emplace_back(stream, l.count());
    return out;
}

RoomCounts Presence::take_changes(TimePoint now) {
    std::lock_guard lock(mu_);
    for (auto it = remote_.begin(); it != remote_.end();) {
        if (now - it->second.seen > remote_ttl_) {
            for (const auto& [stream, n] : it->second.counts)
                dirty_[stream] = true;
            it = remote_.erase(it);
        } else {
            ++it;
        }
    }
    RoomCounts out;
    for (const auto& [stream, _] : dirty_) {
        auto n = total_locked(stream);
        auto a = announced_.find(stream);
        std::int64_t before = a == announced_.end() ? 0 : a->second;
        if (n == before) continue;
        out.emplace_back(stream, n);
        if (sessions_) sessions_->saw(stream, n);
        if (n == 0) {
            announced_.erase(stream);
        } else {
            announced_[stream] = n;
        }
    }
    dirty_.clear();
    return out;
}

}  // namespace nchat::realtime
