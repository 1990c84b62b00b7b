#pragma once
// Playback tokens (docs/api.md, "Private playback"): what lets a player fetch a private stream's
// HLS and WHEP without a header. POST /api/streams/{id}/playback-token gives one to a user who
// may view the stream; it names the stream, the user and an expiry, signed with HMAC-SHA256
// under the server's playback secret, so every node with the same secret checks it with no
// storage. Text form: "<user>.<expires, unix seconds>.<signature, base64url>"; the stream is
// not in the text (it is in the URL) but is signed, so a token for one stream fails on another.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "util/clock.hpp"

namespace nchat::auth {

inline constexpr std::chrono::minutes kPlaybackTokenLifetime{5};

struct PlaybackToken {
    std::string token;
    util::Time expires_at{};
};

// `user_id`: a UUID or a guest id (letters, digits, '-', '_'; at most 64).
PlaybackToken issue_playback_token(std::string_view stream_id,
                                   std::string_view user_id,
                                   std::string_view secret,
                                   util::Time expires_at);

// The user the token was issued to; nullopt when it is malformed, signed by another secret or
// for another stream, or expired at `now`.
std::optional<std::string> verify_playback_token(std::string_view token,
                                                 std::string_view stream_id,
                                                 std::string_view secret,
                                                 util::Time now);

}  // namespace nchat::auth
