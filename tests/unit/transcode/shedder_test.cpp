#include "transcode/detail/shedder.hpp"

#include <gtest/gtest.h>

namespace nchat::transcode::detail {
namespace {

using namespace std::chrono_literals;
using T = Shedder::Clock::time_point;

TEST(TranscodeShedder, EscalatesOneStepPerCooldownWhileBehindAndSlow) {
    Shedder s(ShedPolicy{1000ms, 2000ms, 250ms, 10000ms});
    T t0{};
    EXPECT_EQ(s.update(t0, 500ms, 0.8, 0, 3), ShedAction::none);  // under the threshold
    EXPECT_EQ(s.update(t0 + 100ms, 1200ms, 0.8, 0, 3), ShedAction::escalate);
    EXPECT_EQ(s.update(t0 + 1s, 1500ms, 0.8, 1, 3), ShedAction::none);  // cooling down
    EXPECT_EQ(s.update(t0 + 2200ms, 1600ms, 0.9, 1, 3), ShedAction::escalate);
    EXPECT_EQ(s.update(t0 + 4400ms, 1600ms, 0.9, 3, 3), ShedAction::none);  // nothing left
}

TEST(TranscodeShedder, ABacklogDrainingFastIsNotOverload) {
    Shedder s(ShedPolicy{1000ms, 2000ms, 250ms, 10000ms});
    T t0{};
    // A 3 s burst of cached packets worked through at 3x real time: no shedding.
    EXPECT_EQ(s.update(t0, 3000ms, 3.0, 0, 3), ShedAction::none);
    // At 1.05x a 3 s backlog would take a minute: that is overload.
    EXPECT_EQ(s.update(t0 + 1s, 3000ms, 1.05, 0, 3), ShedAction::escalate);
}

TEST(TranscodeShedder, RecoversAfterCalmWithHysteresisAndBacksOff) {
    Shedder s(ShedPolicy{1000ms, 2000ms, 250ms, 10000ms});
    T t0{};
    ASSERT_EQ(s.update(t0, 2000ms, 0.5, 0, 3), ShedAction::escalate);
    EXPECT_EQ(s.update(t0 + 5s, 100ms, 2.0, 1, 3), ShedAction::none);
    EXPECT_EQ(s.update(t0 + 10s, 400ms, 2.0, 1, 3), ShedAction::none);  // not calm: restarts
    EXPECT_EQ(s.update(t0 + 11s, 100ms, 2.0, 1, 3), ShedAction::none);
    EXPECT_EQ(s.update(t0 + 20s, 100ms, 2.0, 1, 3), ShedAction::none);
    EXPECT_EQ(s.update(t0 + 21s, 100ms, 2.0, 1, 3), ShedAction::deescalate);
    // Overloaded again soon after recovering: shed, and the next recovery waits twice as long.
    EXPECT_EQ(s.update(t0 + 24s, 1500ms, 0.8, 0, 3), ShedAction::escalate);
    EXPECT_EQ(s.update(t0 + 25s, 100ms, 2.0, 1, 3), ShedAction::none);
    EXPECT_EQ(s.update(t0 + 36s, 100ms, 2.0, 1, 3), ShedAction::none);
    EXPECT_EQ(s.update(t0 + 46s, 100ms, 2.0, 1, 3), ShedAction::deescalate);
}

TEST(TranscodeShedder, ZeroThresholdNeverSheds) {
    Shedder s(ShedPolicy{0ms, 2000ms, 250ms, 10000ms});
    EXPECT_EQ(s.update(T{}, 60000ms, 0.1, 0, 3), ShedAction::none);
}

}  // namespace
}  // namespace nchat::transcode::detail
