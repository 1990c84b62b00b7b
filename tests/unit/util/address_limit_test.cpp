#include "util/address_limit.hpp"

#include <gtest/gtest.h>

namespace nchat::util {
namespace {

TEST(AddressLimit, CountsEachAddressAndGivesSlotsBack) {
    AddressLimit limit(2);
    auto a = limit.acquire("192.0.2.7");
    auto b = limit.acquire("192.0.2.7");
    ASSERT_TRUE(a.ok && b.ok);
    EXPECT_FALSE(limit.acquire("192.0.2.7").ok);
    EXPECT_EQ(limit.held("192.0.2.7"), 2u);
    EXPECT_TRUE(limit.acquire("2001:db8::1").ok);  // another address has its own count
    a.slot.reset();
    EXPECT_EQ(limit.held("192.0.2.7"), 1u);
    auto c = limit.acquire("192.0.2.7");
    EXPECT_TRUE(c.ok);
}

TEST(AddressLimit, TheHostItselfAndZeroAreNotLimited) {
    AddressLimit limit(1);
    std::vector<AddressLimit::Slot> held;
    for (int i = 0; i < 10; ++i) {
        for (const char* self : {"127.0.0.1", "::1", "::ffff:127.0.0.1"}) {
            auto s = limit.acquire(self);
            ASSERT_TRUE(s.ok) << self;
            held.push_back(std::move(s.slot));
        }
    }
    EXPECT_FALSE(AddressLimit::exempt("127.0.0.2"));  // the rest of 127/8 is counted
    AddressLimit none(0);
    for (int i = 0; i < 10; ++i)
        EXPECT_TRUE(none.acquire("192.0.2.7").ok);
}

TEST(AddressLimit, ASlotMayOutliveTheLimiter) {
    AddressLimit::Slot slot;
    {
        AddressLimit limit(1);
        slot = limit.acquire("192.0.2.7").slot;
    }
    slot.reset();  // gives back to the shared state, which it keeps alive
    SUCCEED();
}

}  // namespace
}  // namespace nchat::util
