#include "realtime/rate_limiter.hpp"

#include <gtest/gtest.h>

#include "realtime/slow_mode_gate.hpp"

namespace nchat::realtime {
namespace {

using namespace std::chrono_literals;
const auto t0 = std::chrono::steady_clock::time_point(1000s);

TEST(RateLimiter, AllowsTheBurstThenRefusesUntilATokenIsBack) {
    RateLimiter r(3, 3, 100);
    EXPECT_TRUE(r.take("u", t0).allowed);
    EXPECT_TRUE(r.take("u", t0 + 100ms).allowed);
    EXPECT_TRUE(r.take("u", t0 + 200ms).allowed);
    auto fourth = r.take("u", t0 + 300ms);  // the 4th within a second
    EXPECT_FALSE(fourth.allowed);
    // 0.3 s × 3/s = 0.9 tokens back; 0.1 token (33 ms) to go.
    EXPECT_EQ(fourth.retry_after, 34ms);
    EXPECT_TRUE(r.take("u", t0 + 334ms).allowed);
    EXPECT_FALSE(r.take("u", t0 + 340ms).allowed);
    // Others have their own bucket.
    EXPECT_TRUE(r.take("v", t0 + 340ms).allowed);
}

TEST(RateLimiter, RefillsAtTheRateAndNeverBeyondTheBurst) {
    RateLimiter r(5, 5, 100);
    for (int i = 0; i < 5; ++i)
        EXPECT_TRUE(r.take("u", t0).allowed);
    EXPECT_FALSE(r.take("u", t0).allowed);
    EXPECT_EQ(r.take("u", t0).retry_after, 200ms);
    EXPECT_TRUE(r.take("u", t0 + 200ms).allowed);
    // A long pause refills only up to the burst.
    auto later = t0 + 1h;
    for (int i = 0; i < 5; ++i)
        EXPECT_TRUE(r.take("u", later).allowed);
    EXPECT_FALSE(r.take("u", later).allowed);
}

TEST(RateLimiter, MemoryIsBoundedIdleBucketsGoFirst) {
    RateLimiter r(1, 1, 4);
    EXPECT_TRUE(r.take("busy", t0).allowed);
    for (int i = 0; i < 3; ++i)
        r.take("idle" + std::to_string(i), t0 - 10s);
    EXPECT_EQ(r.size(), 4u);
    r.take("new", t0 + 100ms);  // the idle ones (full again) are dropped
    EXPECT_EQ(r.size(), 2u);
    EXPECT_FALSE(r.take("busy", t0 + 200ms).allowed);  // the active one kept its state
    for (int i = 0; i < 100; ++i)
        r.take("k" + std::to_string(i), t0 + 300ms);
    EXPECT_LE(r.size(), 4u);
}

TEST(SlowModeGate, OneMessagePerIntervalPerKey) {
    SlowModeGate g(3600s, 100);
    EXPECT_EQ(g.pass("u", 10s, t0), 0ms);
    EXPECT_EQ(g.pass("u", 10s, t0 + 4s), 6000ms);
    EXPECT_EQ(g.pass("v", 10s, t0 + 4s), 0ms);
    EXPECT_EQ(g.pass("u", 10s, t0 + 10s), 0ms);
    // A shorter interval applies at once.
    EXPECT_EQ(g.pass("u", 2s, t0 + 12s), 0ms);
    g.forget("u");
    EXPECT_EQ(g.pass("u", 10s, t0 + 12500ms), 0ms);
}

TEST(SlowModeGate, MemoryIsBounded) {
    SlowModeGate g(60s, 3);
    g.pass("old", 10s, t0);
    g.pass("a", 10s, t0 + 100s);
    g.pass("b", 10s, t0 + 100s);
    g.pass("c", 10s, t0 + 101s);  // "old" is past any interval: dropped
    EXPECT_EQ(g.size(), 3u);
    EXPECT_EQ(g.pass("a", 10s, t0 + 102s).count(), 8000);
    for (int i = 0; i < 50; ++i)
        g.pass("k" + std::to_string(i), 10s, t0 + 103s);
    EXPECT_LE(g.size(), 3u);
}

}  // namespace
}  // namespace nchat::realtime
