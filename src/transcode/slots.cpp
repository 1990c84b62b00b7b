#include "transcode/slots.hpp"

namespace nchat::transcode {

std::shared_ptr<TranscodeSlots> TranscodeSlots::process() {
    static const auto slots = std::make_shared<TranscodeSlots>();
    return slots;
}

std::unique_ptr<TranscodeSlots::Slot> TranscodeSlots::try_acquire(int limit) {
    int n = in_use_.load();
    do {
        if (limit > 0 && n >= limit) return nullptr;
    } while (!in_use_.compare_exchange_weak(n, n + 1));
    return std::make_unique<Slot>(shared_from_this());
}

}  // namespace nchat::transcode
