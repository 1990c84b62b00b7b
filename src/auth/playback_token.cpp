#include "auth/playback_token.hpp"

#include <charconv>

#include "util/base64.hpp"
#include "util/crypto.hpp"

namespace nchat::auth {
namespace {

constexpr std::size_t kMaxUserId = 64;
constexpr std::size_t kMaxToken = 160;  // user 64 + '.' + 20 digits + '.' + 43 signature

bool plain_id(std::string_view s) {
    if (s.empty() || s.size() > kMaxUserId) return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

std::string signature(std::string_view stream_id,
                      std::string_view user_id,
                      std::string_view expires,
                      std::string_view secret) {
    std::string payload = "nchat-playback-v1\n";
    payload.append(stream_id).append("\n").append(user_id).append("\n").append(expires);
    return util::base64url_encode(util::hmac_sha256(secret, payload));
}

std::int64_t unix_seconds(util::Time t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

PlaybackToken issue_playback_token(std::string_view stream_id,
                                   std::string_view user_id,
                                   std::string_view secret,
                                   util::Time expires_at) {
    auto expires = std::to_string(unix_seconds(expires_at));
    PlaybackToken out;
    out.token =
        std::string(user_id) + "." + expires + "." + signature(stream_id, user_id, expires, secret);
    out.expires_at = util::Time(std::chrono::seconds(unix_seconds(expires_at)));
    return out;
}

std::optional<std::string> verify_playback_token(std::string_view token,
                                                 std::string_view stream_id,
                                                 std::string_view secret,
                                                 util::Time now) {
    if (token.size() > kMaxToken) return std::nullopt;
    auto dot1 = token.find('.');
    if (dot1 == std::string_view::npos) return std::nullopt;
    auto dot2 = token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos) return std::nullopt;
    auto user = token.substr(0, dot1);
    auto expires = token.substr(dot1 + 1, dot2 - dot1 - 1);
    auto sig = token.substr(dot2 + 1);
    if (!plain_id(user) || expires.empty()) return std::nullopt;
    std::int64_t exp = 0;
    auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), exp);
    if (ec != std::errc{} || end != expires.data() + expires.size()) return std::nullopt;
    if (!util::constant_time_equal(sig, signature(stream_id, user, expires, secret))) {
        return std::nullopt;
    }
    if (unix_seconds(now) >= exp) return std::nullopt;
    return std::string(user);
}

}  // namespace nchat::auth
