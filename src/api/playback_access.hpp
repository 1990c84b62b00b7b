#pragma once
// Who may fetch a stream's media (docs/api.md, "Private playback"). A public stream: anyone, no
// token, cacheable by any HTTP cache. A private one: only with a playback token
// (auth/playback_token.hpp) for that stream, carried in the URL (`?token=`) or, for WHEP, as a
// bearer token. The HLS origin and WHEP ask this before serving; whether a stream is private is
// read from the store and kept a few seconds (kPrivacyTtl) so that the hot path rarely waits.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>

#include "auth/playback_token.hpp"
#include "util/clock.hpp"

namespace nchat::store {
class Database;
}

namespace nchat::api {

class PlaybackAccess {
public:
    // A change of isPrivate is seen by every node within this (PATCH forgets it at once here).
    static constexpr std::chrono::seconds kPrivacyTtl{5};

    PlaybackAccess(store::Database& db, util::Clock& clock, std::string secret);

    struct Decision {
        bool allowed = true;
        // The token to write into every URL of the answer; empty for a public stream.
        std::string token;
        std::string user_id;  // whom the token was issued to; empty for a public stream
    };
    // Any executor. `token`: the request's, if it has one.
    boost::asio::awaitable<Decision> check(std::string stream_id, std::optional<std::string> token);
    // Any thread, no waiting: true when the stream is known to be public right now (then the
    // HLS fast path may answer); false when private or not known.
    bool known_public(std::string_view stream_id) const;
    // The stream's privacy changed (PATCH) or it was deleted.
    void forget(const std::string& stream_id);

    auth::PlaybackToken issue(std::string_view stream_id, std::string_view user_id) const;

private:
    struct Entry {
        bool is_private = false;
        std::chrono::steady_clock::time_point at;
    };
    std::optional<bool> cached(std::string_view stream_id) const;

    store::Database& db_;
    util::Clock& clock_;
    const std::string secret_;
    mutable std::mutex mu_;
    std::unordered_map<std::string, Entry> privacy_;  // bounded: cleared when full
};

}  // namespace nchat::api
