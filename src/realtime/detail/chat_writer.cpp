#include "realtime/detail/chat_writer.hpp"

#include <algorithm>

#include "store/database.hpp"

namespace nchat::realtime::detail {

ChatWriter::ChatWriter(store::Database& db, std::function<void(const store::ChatMessage&)> stored)
    : db_(db), stored_(std::move(stored)) {}

boost::asio::awaitable<void> ChatWriter::write(store::ChatMessage m) {
    std::string id = m.id;
    {
        std::lock_guard lock(mutex_);
        pending_.push_back(std::move(m));
    }
    try {
        co_await db_.write([&](store::Store& st) { drain(st, id); });
    } catch (...) {
        // The job was refused (storage overloaded or stopped) before it ran: take the message
        // back unless another job already took it, so nobody stores what its sender was told
        // failed.
        std::lock_guard lock(mutex_);
        auto it = std::find_if(pending_.begin(), pending_.end(),
                               [&](const store::ChatMessage& p) { return p.id == id; });
        if (it != pending_.end()) pending_.erase(it);
        throw;
    }
}

void ChatWriter::drain(store::Store& st, const std::string& mine) {
    std::vector<store::ChatMessage> batch;
    {
        std::lock_guard lock(mutex_);
        batch.assign(std::make_move_iterator(pending_.begin()),
                     std::make_move_iterator(pending_.end()));
        pending_.clear();
    }
    if (!batch.empty()) {
        bool stored = true;
        try {
            st.insert_chat_messages(batch);
        } catch (const std::exception&) {
            stored = false;
        }
        if (stored) {
            for (const auto& m : batch)
                stored_(m);
        } else {
            // One bad message (its stream deleted meanwhile) must not sink the others: store
            // them one by one, each failure kept for its own sender.
            for (const auto& m : batch) {
                try {
                    st.insert_chat_messages({m});
                } catch (...) {
                    failed_.emplace(m.id, std::current_exception());
                    continue;
                }
                stored_(m);
            }
        }
    }
    auto it = failed_.find(mine);
    if (it != failed_.end()) {
        auto e = it->second;
        failed_.erase(it);
        std::rethrow_exception(e);
    }
}

}  // namespace nchat::realtime::detail
