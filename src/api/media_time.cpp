// Chat and reactions by media time (api/detail/media_time.hpp).
#include "api/detail/media_time.hpp"

#include <algorithm>
#include <chrono>

#include "api/errors.hpp"
#include "realtime/message_json.hpp"
#include "store/database.hpp"
#include "store/store.hpp"

namespace nchat::api::detail {
namespace {

namespace net = boost::asio;

std::int64_t unix_ms(util::Time t) {
    return t.time_since_epoch().count();
}

util::Time from_unix_ms(std::int64_t ms) {
    return util::Time(std::chrono::milliseconds(ms));
}

// The window's stretches as the store's ranges: at most kMaxTimeRanges, the last ones joined
// (the items are filtered by their media time afterwards, so a wider stretch loses nothing).
std::vector<store::TimeRange> store_ranges(const ApiContext::MediaWindow& w) {
    std::vector<store::TimeRange> out;
    for (const auto& [from, to] : w.ranges) {
        if (out.size() == store::kMaxTimeRanges) {
            out.back().to = from_unix_ms(to);
            continue;
        }
        out.push_back({from_unix_ms(from), from_unix_ms(to)});
    }
    return out;
}

ApiContext::MediaWindow window(ApiContext& ctx,
                               const std::string& stream_id,
                               std::int64_t from_ms,
                               std::int64_t to_ms) {
    std::optional<ApiContext::MediaWindow> w;
    if (ctx.media_window) w = ctx.media_window(stream_id, from_ms, to_ms);
    if (!w) throw not_found("stream " + stream_id + " has no recording");
    return std::move(*w);
}

// Keeps the items whose media time is within [from_ms, to_ms], with it as mediaMs, in media
// time order (stable: stored order among equals).
nlohmann::json placed(std::vector<nlohmann::json> items,
                      const std::vector<util::Time>& at,
                      const ApiContext::MediaWindow& w,
                      std::int64_t from_ms,
                      std::int64_t to_ms) {
    std::vector<std::pair<std::int64_t, nlohmann::json>> kept;
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto ms = w.media_ms(unix_ms(at[i]));
        if (!ms || *ms < from_ms || *ms >= to_ms) continue;
        items[i]["mediaMs"] = *ms;
        kept.emplace_back(*ms, std::move(items[i]));
    }
    std::stable_sort(kept.begin(), kept.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    auto out = nlohmann::json::array();
    for (auto& k : kept)
        out.push_back(std::move(k.second));
    return out;
}

// The rows `between` reads for the window's stretches, placed on the media time (placed()).
template <class Between, class ToJson>
net::awaitable<nlohmann::json> items_at(ApiContext& ctx,
                                        std::string stream_id,
                                        std::int64_t from_ms,
                                        std::int64_t to_ms,
                                        std::int64_t limit,
                                        Between between,
                                        ToJson to_json) {
    auto w = window(ctx, stream_id, from_ms, to_ms);
    if (w.ranges.empty()) co_return nlohmann::json::array();
    auto ranges = store_ranges(w);
    auto read = [&](store::Store& st) { return between(st, stream_id, ranges, limit); };
    auto rows = co_await ctx.db.read(read);
    std::vector<nlohmann::json> items;
    std::vector<util::Time> at;
    for (const auto& r : rows) {
        items.push_back(to_json(r));
        at.push_back(r.created_at);
    }
    co_return placed(std::move(items), at, w, from_ms, to_ms);
}

}  // namespace

net::awaitable<nlohmann::json> chat_at(ApiContext& ctx,
                                       std::string stream_id,
                                       std::int64_t from_ms,
                                       std::int64_t to_ms,
                                       std::int64_t limit) {
    auto between = [](store::Store& st, const std::string& id,
                      const std::vector<store::TimeRange>& r,
                      std::int64_t n) { return st.chat_between(id, r, n); };
    auto to_json = [](const store::ChatMessage& m) { return realtime::message_to_json(m); };
    auto out =
        co_await items_at(ctx, std::move(stream_id), from_ms, to_ms, limit, between, to_json);
    co_return out;
}

net::awaitable<nlohmann::json> reactions_at(ApiContext& ctx,
                                            std::string stream_id,
                                            std::int64_t from_ms,
                                            std::int64_t to_ms,
                                            std::int64_t limit) {
    auto between = [](store::Store& st, const std::string& id,
                      const std::vector<store::TimeRange>& r,
                      std::int64_t n) { return st.reactions_between(id, r, n); };
    auto to_json = [](const store::Reaction& r) { return realtime::reaction_to_json(r); };
    auto out =
        co_await items_at(ctx, std::move(stream_id), from_ms, to_ms, limit, between, to_json);
    co_return out;
}

}  // namespace nchat::api::detail
