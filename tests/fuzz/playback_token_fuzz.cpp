// Playback tokens arrive in URLs from anyone (?token=): verifying never crashes or reads past
// the input, and only a token this secret signed verifies; then it is exactly what issuing the
// same user and expiry gives.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "auth/playback_token.hpp"

using namespace nchat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    const util::Time now{std::chrono::seconds(1'800'000'000)};
    auto user = auth::verify_playback_token(in, "stream", "secret", now);
    // Random bytes forge no HMAC; a hit can only be a token issued below's shape, re-checked.
    if (user) {
        auto dot1 = in.find('.');
        auto dot2 = in.find('.', dot1 + 1);
        auto exp = std::stoll(std::string(in.substr(dot1 + 1, dot2 - dot1 - 1)));
        auto again = auth::issue_playback_token("stream", *user, "secret",
                                                util::Time(std::chrono::seconds(exp)));
        if (again.token != in) __builtin_trap();
    }
    // And a real token for the input's first bytes as a user id verifies.
    auto id = in.substr(0, std::min<std::size_t>(in.size(), 16));
    auto t = auth::issue_playback_token("stream", id, "secret", now + std::chrono::minutes(5));
    auto back = auth::verify_playback_token(t.token, "stream", "secret", now);
    bool plain = !id.empty() && id.find_first_not_of(
                                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
                                    "QRSTUVWXYZ0123456789-_") == id.npos;
    if (plain != back.has_value()) __builtin_trap();
    return 0;
}
