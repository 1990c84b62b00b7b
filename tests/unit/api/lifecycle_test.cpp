#include "api/lifecycle.hpp"

#include <gtest/gtest.h>

#include "util/time.hpp"

namespace nchat::api {
namespace {

using S = store::StreamStatus;
using A = LifecycleAction;

TEST(Lifecycle, TheWholeTable) {
    struct Row {
        S from;
        A action;
        std::optional<S> to;
        bool changes;
    };
    const Row rows[] = {
        {S::scheduled, A::start, S::live, true},       {S::preparing, A::start, S::live, true},
        {S::live, A::start, S::live, false},           {S::ended, A::start, std::nullopt, false},
        {S::cancelled, A::start, std::nullopt, false}, {S::live, A::end, S::ended, true},
        {S::scheduled, A::end, S::cancelled, true},    {S::preparing, A::end, S::cancelled, true},
        {S::ended, A::end, S::ended, false},           {S::cancelled, A::end, S::cancelled, false},
    };
    for (const auto& r : rows) {
        auto t = plan_transition(r.from, r.action);
        EXPECT_EQ(t.has_value(), r.to.has_value()) << store::to_string(r.from);
        if (t && r.to) {
            EXPECT_EQ(t->to, *r.to) << store::to_string(r.from);
            EXPECT_EQ(t->changes, r.changes) << store::to_string(r.from);
        }
    }
}

TEST(Lifecycle, ScheduleDecidesPendingStatus) {
    auto now = *util::parse_iso8601("2026-11-24T12:00:00Z");
    EXPECT_EQ(pending_status(std::nullopt, now), S::preparing);
    EXPECT_EQ(pending_status(*util::parse_iso8601("2026-11-24T12:00:01Z"), now), S::scheduled);
    EXPECT_EQ(pending_status(*util::parse_iso8601("2026-11-24T11:59:59Z"), now), S::preparing);
    EXPECT_EQ(pending_status(now, now), S::preparing);
}

}  // namespace
}  // namespace nchat::api
