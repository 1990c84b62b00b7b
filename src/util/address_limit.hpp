#pragma once
// How many connections one remote address holds at once, against a cap: so that one host
// cannot take every slot of a listener (issue 17: 1,050 idle connections from one address
// locked every publisher out). Thread-safe; a slot is released when its handle is destroyed.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace nchat::util {

class AddressLimit {
public:
    // At most `per_address` connections per address; 0 = no limit. The host's own loopback
    // addresses (127.0.0.1, ::1) are not counted: that is the operator's edge proxy or tool,
    // and every connection of a proxy comes from its one address.
    explicit AddressLimit(std::size_t per_address);

    // Held by the connection; destroying it gives the slot back. Empty (no slot taken) for an
    // exempt address or no limit, which is fine to hold too.
    using Slot = std::shared_ptr<void>;
    struct Acquired {
        bool ok = false;  // false: `address` is at its cap
        Slot slot;
    };
    // `address` as text, without a port ("192.0.2.7", "2001:db8::1").
    Acquired acquire(std::string_view address);
    std::size_t held(std::string_view address) const;
    std::size_t per_address() const { return per_address_; }

    static bool exempt(std::string_view address);

private:
    struct State;
    std::size_t per_address_;
    std::shared_ptr<State> state_;  // slots keep it alive, so they may outlive the limiter
};

}  // namespace nchat::util
