#include "realtime/detail/reaction_batcher.hpp"

#include <algorithm>

#include "store/database.hpp"
#include "util/log.hpp"

namespace nchat::realtime::detail {

ReactionBatcher::ReactionBatcher(store::Database& db, std::size_t batch, std::size_t max_pending)
    : db_(db), batch_(std::max<std::size_t>(batch, 1)), max_pending_(max_pending) {}

bool ReactionBatcher::add(store::Reaction r, bool* due) {
    std::lock_guard lock(mutex_);
    if (pending_.size() >= max_pending_) {
        ++dropped_;
        if (due) *due = true;
        return false;
    }
    pending_.push_back(std::move(r));
    if (due) *due = pending_.size() >= batch_;
    return true;
}

std::vector<store::Reaction> ReactionBatcher::take() {
    std::lock_guard lock(mutex_);
    std::vector<store::Reaction> out;
    out.swap(pending_);
    return out;
}

void ReactionBatcher::store_all(store::Store& st, std::vector<store::Reaction>& rows) {
    for (std::size_t i = 0; i < rows.size(); i += batch_) {
        auto end = std::min(rows.size(), i + batch_);
        std::vector<store::Reaction> part(std::make_move_iterator(rows.begin() + i),
                                          std::make_move_iterator(rows.begin() + end));
        try {
            st.insert_reactions(part);
            stored_ += part.size();
        } catch (const std::exception&) {
            // Most likely a stream deleted meanwhile: keep the rest of the batch.
            for (auto& r : part) {
                try {
                    st.insert_reactions({r});
                    ++stored_;
                } catch (const std::exception& e) {
                    ++dropped_;
                    util::logger("realtime")
                        ->warn("stream={} reaction not stored: {}", r.stream_id, e.what());
                }
            }
        }
    }
}

boost::asio::awaitable<void> ReactionBatcher::flush() {
    auto rows = take();
    if (rows.empty()) co_return;
    try {
        co_await db_.write([&](store::Store& st) { store_all(st, rows); });
    } catch (const std::exception& e) {
        dropped_ += rows.size();
        util::logger("realtime")->error("{} reactions not stored: {}", rows.size(), e.what());
    }
}

void ReactionBatcher::flush_sync() {
    auto rows = take();
    if (rows.empty()) return;
    try {
        db_.write_sync([&](store::Store& st) { store_all(st, rows); });
    } catch (const std::exception& e) {
        dropped_ += rows.size();
        util::logger("realtime")->error("{} reactions not stored: {}", rows.size(), e.what());
    }
}

}  // namespace nchat::realtime::detail
