#pragma once
// Why the realtime service refuses an action (docs/chat.md, Errors). One type for every refusal:
// the REST layer answers it as DESIGN.md's JSON error (status, code, field, Retry-After;
// api/handler.cpp), the WebSocket layer as an `error` event (data.code, data.message).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nchat::realtime {

// The codes a client may see, besides the generic ones (validation_failed, forbidden,
// not_found, conflict, unavailable).
namespace code {
inline constexpr std::string_view kValidationFailed = "validation_failed";
inline constexpr std::string_view kProfanity = "profanity";  // reject mode of the filter
inline constexpr std::string_view kUnauthorized = "unauthorized";
inline constexpr std::string_view kForbidden = "forbidden";
inline constexpr std::string_view kNotFound = "not_found";
inline constexpr std::string_view kChatDisabled = "chat_disabled";  // enableChat false, mode
inline constexpr std::string_view kFollowersOnly = "followers_only";
inline constexpr std::string_view kSubscribersOnly = "subscribers_only";
inline constexpr std::string_view kReactionsDisabled = "reactions_disabled";
inline constexpr std::string_view kQaDisabled = "qa_disabled";
inline constexpr std::string_view kBanned = "banned";  // ban or timeout (Retry-After)
inline constexpr std::string_view kStreamEnded = "stream_ended";
inline constexpr std::string_view kWrongState = "wrong_state";
inline constexpr std::string_view kConflict = "conflict";
inline constexpr std::string_view kRateLimited = "rate_limited";
inline constexpr std::string_view kSlowMode = "slow_mode";
inline constexpr std::string_view kUnavailable = "unavailable";  // storage overloaded
}  // namespace code

struct Refusal : std::runtime_error {
    Refusal(int http_status,
            std::string_view code,
            const std::string& message,
            std::string field = {},
            std::optional<int> retry_after_seconds = std::nullopt)
        : std::runtime_error(message),
          http_status(http_status),
          code(code),
          field(std::move(field)),
          retry_after_seconds(retry_after_seconds) {}

    int http_status;                         // 400, 401, 403, 404, 409, 429, 503
    std::string code;                        // one of code::k…
    std::string field;                       // the offending request field, if any
    std::optional<int> retry_after_seconds;  // rate_limited, slow_mode, timeouts, unavailable
};

inline Refusal invalid(std::string field, const std::string& message) {
    return {400, code::kValidationFailed, message, std::move(field)};
}
inline Refusal forbidden(const std::string& message) {
    return {403, code::kForbidden, message};
}
inline Refusal not_found(const std::string& message, std::string field = {}) {
    return {404, code::kNotFound, message, std::move(field)};
}
inline Refusal wrong_state(const std::string& message) {
    return {409, code::kWrongState, message};
}
// A wait as Retry-After: whole seconds, rounded up, at least 1.
inline int retry_seconds(std::chrono::milliseconds wait) {
    return static_cast<int>(std::max<std::int64_t>((wait.count() + 999) / 1000, 1));
}

inline Refusal rate_limited(int retry_after_seconds) {
    return {429, code::kRateLimited, "too many requests; slow down", {}, retry_after_seconds};
}

}  // namespace nchat::realtime
