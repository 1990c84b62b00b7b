#include "api/playback_access.hpp"

#include "store/database.hpp"

namespace nchat::api {
namespace {

// Streams whose privacy is kept; past this the cache starts over (a scan of random ids must not
// grow it without bound).
constexpr std::size_t kMaxCached = 50'000;

}  // namespace

PlaybackAccess::PlaybackAccess(store::Database& db, util::Clock& clock, std::string secret)
    : db_(db), clock_(clock), secret_(std::move(secret)) {}

std::optional<bool> PlaybackAccess::cached(std::string_view stream_id) const {
    std::lock_guard lock(mu_);
    auto it = privacy_.find(std::string(stream_id));
    if (it == privacy_.end()) return std::nullopt;
    if (std::chrono::steady_clock::now() - it->second.at > kPrivacyTtl) return std::nullopt;
    return it->second.is_private;
}

bool PlaybackAccess::known_public(std::string_view stream_id) const {
    auto p = cached(stream_id);
    return p && !*p;
}

void PlaybackAccess::forget(const std::string& stream_id) {
    std::lock_guard lock(mu_);
    privacy_.erase(stream_id);
}

boost::asio::awaitable<PlaybackAccess::Decision> PlaybackAccess::check(
    std::string stream_id, std::optional<std::string> token) {
    auto is_private = cached(stream_id);
    if (!is_private) {
        // A stream the store does not have is "public" here: the origin answers 404 for it.
        auto stream = co_await db_.read([&](store::Store& st) { return st.get_stream(stream_id); });
        is_private = stream && stream->is_private;
        std::lock_guard lock(mu_);
        if (privacy_.size() >= kMaxCached) privacy_.clear();
        privacy_[stream_id] = {*is_private, std::chrono::steady_clock::now()};
    }
    if (!*is_private) co_return Decision{};
    auto user = token ? auth::verify_playback_token(*token, stream_id, secret_, clock_.now())
                      : std::nullopt;
    if (!user) co_return Decision{false, {}, {}};
    co_return Decision{true, std::move(*token), std::move(*user)};
}

auth::PlaybackToken PlaybackAccess::issue(std::string_view stream_id,
                                          std::string_view user_id) const {
    return auth::issue_playback_token(stream_id, user_id, secret_,
                                      clock_.now() + auth::kPlaybackTokenLifetime);
}

}  // namespace nchat::api
