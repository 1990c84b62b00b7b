#include "realtime/detail/viewer_writer.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include "realtime/viewer_sessions.hpp"
#include "store/database.hpp"
#include "util/log.hpp"

namespace nchat::realtime::detail {
namespace {

std::size_t rows(const store::ViewerBatch& b) {
    return b.started.size() + b.rejoined.size() + b.left.size();
}

// The next part of `all` of at most `max` rows (the peaks go with the first part).
store::ViewerBatch next_part(store::ViewerBatch& all, std::size_t max) {
    store::ViewerBatch part;
    part.peaks = std::exchange(all.peaks, {});
    // Rejoins first: a session that left again after it is closed by a leave in this part or
    // a later one.
    auto r = std::min(max, all.rejoined.size());
    part.rejoined.assign(std::make_move_iterator(all.rejoined.begin()),
                         std::make_move_iterator(all.rejoined.begin() + std::ptrdiff_t(r)));
    all.rejoined.erase(all.rejoined.begin(), all.rejoined.begin() + std::ptrdiff_t(r));
    max -= r;
    // Ends next: a session ended here was started by an earlier batch.
    auto n = std::min(max, all.left.size());
    part.left.assign(std::make_move_iterator(all.left.begin()),
                     std::make_move_iterator(all.left.begin() + std::ptrdiff_t(n)));
    all.left.erase(all.left.begin(), all.left.begin() + std::ptrdiff_t(n));
    auto m = std::min(max - n, all.started.size());
    part.started.assign(std::make_move_iterator(all.started.begin()),
                        std::make_move_iterator(all.started.begin() + std::ptrdiff_t(m)));
    all.started.erase(all.started.begin(), all.started.begin() + std::ptrdiff_t(m));
    return part;
}

}  // namespace

ViewerWriter::ViewerWriter(store::Database& db, std::size_t batch)
    : db_(db), batch_(std::max<std::size_t>(batch, 1)) {}

void ViewerWriter::store_all(store::Store& st) {
    auto all = sessions_->take();
    while (!all.empty()) {
        auto part = next_part(all, batch_);
        try {
            st.record_viewers(part);
        } catch (const std::exception& e) {
            sessions_->count_lost(rows(part));
            util::logger("realtime")
                ->error("{} viewer session rows not stored: {}", rows(part), e.what());
        }
    }
}

boost::asio::awaitable<void> ViewerWriter::flush() {
    if (!sessions_) co_return;
    try {
        // Refused (storage overloaded, stopping): nothing was taken; the next flush retries.
        co_await db_.write([this](store::Store& st) { store_all(st); });
    } catch (const std::exception& e) {
        util::logger("realtime")->warn("viewer sessions not stored yet: {}", e.what());
    }
}

void ViewerWriter::flush_sync() {
    if (!sessions_) return;
    sessions_->end_all();
    try {
        db_.write_sync([this](store::Store& st) { store_all(st); });
    } catch (const std::exception& e) {
        util::logger("realtime")->error("viewer sessions not stored at shutdown: {}", e.what());
    }
}

}  // namespace nchat::realtime::detail
