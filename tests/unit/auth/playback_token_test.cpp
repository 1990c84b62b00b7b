#include "auth/playback_token.hpp"

#include <gtest/gtest.h>

namespace nchat::auth {
namespace {

using namespace std::chrono_literals;

const std::string kStream = "6f1c2a9e-3b0d-4f57-9a2e-1c8d4e5f6a7b";
const std::string kUser = "0b9d8c7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e";
const util::Time kNow{std::chrono::seconds(1'800'000'000)};

TEST(PlaybackToken, VerifiesForItsStreamUntilItExpires) {
    auto t = issue_playback_token(kStream, kUser, "secret", kNow + kPlaybackTokenLifetime);
    EXPECT_EQ(t.expires_at, kNow + 5min);
    EXPECT_EQ(verify_playback_token(t.token, kStream, "secret", kNow), kUser);
    EXPECT_EQ(verify_playback_token(t.token, kStream, "secret", kNow + 4min + 59s), kUser);
    EXPECT_FALSE(verify_playback_token(t.token, kStream, "secret", kNow + 5min));
    // Another stream, another secret.
    EXPECT_FALSE(verify_playback_token(t.token, "another-stream", "secret", kNow));
    EXPECT_FALSE(verify_playback_token(t.token, kStream, "other secret", kNow));
}

TEST(PlaybackToken, RefusesEveryAlteration) {
    auto t = issue_playback_token(kStream, kUser, "secret", kNow + 5min).token;
    auto first_dot = t.find('.');
    auto second_dot = t.find('.', first_dot + 1);
    // A later expiry, someone else's id, a flipped signature character: all refused.
    auto later = t;
    later.replace(first_dot + 1, second_dot - first_dot - 1, "9999999999");
    EXPECT_FALSE(verify_playback_token(later, kStream, "secret", kNow));
    auto other = "1" + t.substr(1);
    EXPECT_FALSE(verify_playback_token(other, kStream, "secret", kNow));
    auto flipped = t;
    flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify_playback_token(flipped, kStream, "secret", kNow));
    const std::vector<std::string> bad_tokens = {"",          ".",
                                                 "..",        "a..",
                                                 "a.1.",      "a.x.sig",
                                                 "a b.1.sig", std::string(200, 'a'),
                                                 "a.-1.sig",  "a.1.sig.extra"};
    for (const auto& bad : bad_tokens) {
        EXPECT_FALSE(verify_playback_token(bad, kStream, "secret", kNow)) << bad;
    }
}

}  // namespace
}  // namespace nchat::auth
