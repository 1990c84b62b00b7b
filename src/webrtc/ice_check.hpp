#pragma once
// How an ICE-lite server answers a STUN message that arrived on one of its paths (a UDP
// datagram or an ICE-TCP frame): the same checks on both (RFC 8445 §7.3, RFC 8489 §9.1.3).
// The caller sends the reply on the path the request came from and, for an accepted check,
// tells the transport. No I/O here.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include <boost/asio/ip/udp.hpp>

namespace nchat::webrtc {

class Transport;

struct CheckAnswer {
    enum class Verdict : std::uint8_t {
        ignored,        // a response or an indication (a keepalive): nothing to answer
        malformed,      // not a STUN message we can parse
        unknown_ufrag,  // no transport has this ufrag (a session that ended, or a stranger)
        unauthorized,   // USERNAME or MESSAGE-INTEGRITY missing or wrong: 400 or 401
        refused,        // authenticated but answered with an error (420, 487)
        accepted,       // authenticated: `transport` should hear of it
    };
    Verdict verdict = Verdict::ignored;
    std::vector<std::uint8_t> reply;       // to send back where the request came from; may be empty
    std::shared_ptr<Transport> transport;  // accepted only
    bool use_candidate = false;
};

// `from` is the peer's address as we see it (XOR-MAPPED-ADDRESS of the success reply);
// `find` gives the transport of a local ufrag, or null.
CheckAnswer answer_check(
    std::span<const std::uint8_t> message,
    const boost::asio::ip::udp::endpoint& from,
    const std::function<std::shared_ptr<Transport>(std::string_view ufrag)>& find);

}  // namespace nchat::webrtc
