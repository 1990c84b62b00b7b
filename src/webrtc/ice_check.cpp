#include "webrtc/ice_check.hpp"

#include <string>

#include "webrtc/stun.hpp"
#include "webrtc/transport.hpp"

namespace nchat::webrtc {

CheckAnswer answer_check(
    std::span<const std::uint8_t> d,
    const boost::asio::ip::udp::endpoint& from,
    const std::function<std::shared_ptr<Transport>(std::string_view ufrag)>& find) {
    using Verdict = CheckAnswer::Verdict;
    CheckAnswer out;
    if (!looks_like_stun(d)) {
        out.verdict = Verdict::malformed;
        return out;
    }
    auto msg = parse_stun(d);
    if (!msg) {
        out.verdict = Verdict::malformed;
        return out;
    }
    // Only Binding requests need an answer; responses and indications (keepalives) end here.
    if (msg->method != kStunBinding || msg->cls != StunClass::request) return out;
    if (!msg->username) {
        out.verdict = Verdict::unauthorized;
        out.reply = build_binding_error(msg->transaction_id, 400, "Bad Request", {});
        return out;
    }
    // USERNAME is "ourUfrag:peerUfrag" in a check sent to us (RFC 8445 §7.2.2).
    const std::string_view user = *msg->username;
    auto t = find(user.substr(0, user.find(':')));
    if (!t) {
        out.verdict = Verdict::unknown_ufrag;  // no password to sign a reply with
        return out;
    }
    const std::string& pwd = t->local().pwd;
    if (msg->integrity_offset == 0 || !verify_integrity(d, *msg, pwd)) {
        out.verdict = Verdict::unauthorized;
        out.reply = build_binding_error(msg->transaction_id, 401, "Unauthorized", {});
        return out;
    }
    if (!msg->unknown_required.empty()) {
        out.verdict = Verdict::refused;
        out.reply = build_binding_error(msg->transaction_id, 420, "Unknown Attribute", pwd,
                                        msg->unknown_required);
        return out;
    }
    // We are ICE-lite, hence controlled (RFC 8445 §6.1.1); a peer that says it is controlled
    // too is in a role conflict (§7.3.1.1).
    if (msg->ice_controlled) {
        out.verdict = Verdict::refused;
        out.reply = build_binding_error(msg->transaction_id, 487, "Role Conflict", pwd);
        return out;
    }
    out.verdict = Verdict::accepted;
    out.reply = build_binding_success(msg->transaction_id, from, pwd);
    out.transport = std::move(t);
    out.use_candidate = msg->use_candidate;
    return out;
}

}  // namespace nchat::webrtc
