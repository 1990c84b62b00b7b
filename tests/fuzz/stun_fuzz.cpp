// STUN messages as an ICE-lite server receives them: parse, check integrity, and build the
// replies a server would send; a parsed XOR-MAPPED-ADDRESS must survive a build/parse round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "webrtc/stun.hpp"

using namespace nchat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> in(data, size);
    (void)webrtc::looks_like_stun(in);
    auto m = webrtc::parse_stun(in);
    if (!m) return 0;
    (void)webrtc::verify_integrity(in, *m, "VOkJxbRl1RmTxUk/WvJxBt");
    if (!m->unknown_required.empty()) {
        (void)webrtc::build_binding_error(m->transaction_id, 420, "Unknown Attribute", "pwd",
                                          m->unknown_required);
    }
    if (m->xor_mapped_address) {
        auto reply = webrtc::build_binding_success(m->transaction_id, *m->xor_mapped_address, "pw");
        auto back = webrtc::parse_stun(reply);
        // The builder sends an IPv4-mapped IPv6 address (a v4 peer on a dual-stack socket) as
        // the IPv4 address it is: that is what the peer must see.
        auto expected = *m->xor_mapped_address;
        if (auto a = expected.address(); a.is_v6() && a.to_v6().is_v4_mapped()) {
            expected.address(
                boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()));
        }
        if (!back || back->xor_mapped_address != expected ||
            !webrtc::verify_integrity(reply, *back, "pw") || !back->has_fingerprint) {
            std::abort();
        }
    }
    if (m->username) {
        auto req = webrtc::build_binding_request(m->transaction_id, *m->username, "pw",
                                                 m->priority.value_or(0), 1, m->use_candidate);
        auto back = webrtc::parse_stun(req);
        if (!back || back->username != m->username || !webrtc::verify_integrity(req, *back, "pw")) {
            std::abort();
        }
    }
    return 0;
}
