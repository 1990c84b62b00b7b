#include "util/address_limit.hpp"

#include <mutex>
#include <unordered_map>

namespace nchat::util {

struct AddressLimit::State {
    std::mutex mu;
    std::unordered_map<std::string, std::size_t> held;  // only addresses with a slot taken
};

AddressLimit::AddressLimit(std::size_t per_address)
    : per_address_(per_address), state_(std::make_shared<State>()) {}

bool AddressLimit::exempt(std::string_view address) {
    return address == "127.0.0.1" || address == "::1" || address == "::ffff:127.0.0.1";
}

AddressLimit::Acquired AddressLimit::acquire(std::string_view address) {
    if (per_address_ == 0 || exempt(address)) return {true, nullptr};
    std::string key(address);
    {
        std::lock_guard lock(state_->mu);
        auto& n = state_->held[key];
        if (n >= per_address_) return {false, nullptr};
        ++n;
    }
    // The slot is a handle whose deleter gives the count back; it points at nothing.
    Slot slot(static_cast<void*>(nullptr), [state = state_, key = std::move(key)](void*) {
        std::lock_guard lock(state->mu);
        auto it = state->held.find(key);
        if (it != state->held.end() && --it->second == 0) state->held.erase(it);
    });
    return {true, std::move(slot)};
}

std::size_t AddressLimit::held(std::string_view address) const {
    std::lock_guard lock(state_->mu);
    auto it = state_->held.find(std::string(address));
    return it == state_->held.end() ? 0 : it->second;
}

}  // namespace nchat::util
