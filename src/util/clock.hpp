#pragma once
// The clock is injected (STYLE.md, Tests): code that needs "now" takes a Clock&.
#include <chrono>

namespace nchat::util {

using Time = std::chrono::sys_time<std::chrono::milliseconds>;

class Clock {
public:
    virtual ~Clock() = default;
    virtual Time now() const = 0;
    virtual std::chrono::steady_clock::time_point steady_now() const = 0;
};

class SystemClock final : public Clock {
public:
    Time now() const override {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now());
    }
    std::chrono::steady_clock::time_point steady_now() const override {
        return std::chrono::steady_clock::now();
    }
};

}  // namespace nchat::util
