#include "webrtc/udp_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include "util/log.hpp"
#include "webrtc/limits.hpp"
#include "webrtc/stun.hpp"
#include "webrtc/transport.hpp"

namespace nchat::webrtc {

namespace net = boost::asio;
using udp = net::ip::udp;

UdpServer::UdpServer(net::any_io_executor ex, UdpServerOptions opts)
    : strand_(net::make_strand(ex)),
      opts_(std::move(opts)),
      socket_(strand_),
      buf_(limits::kMaxDatagram + 1) {}

UdpServer::~UdpServer() = default;

void UdpServer::start() {
    const udp::endpoint ep(net::ip::make_address(opts_.host), opts_.port);
    socket_.open(ep.protocol());
    socket_.bind(ep);
    // Sends never wait: a full socket buffer drops the datagram (RTP recovers by NACK/PLI).
    socket_.non_blocking(true);
    net::socket_base::receive_buffer_size rcv(4 * 1024 * 1024);
    net::socket_base::send_buffer_size snd(4 * 1024 * 1024);
    boost::system::error_code ignored;
    socket_.set_option(rcv, ignored);
    socket_.set_option(snd, ignored);
    gso_ = opts_.gso && gso_supported(socket_.native_handle());
    net::post(strand_, [this] { receive(); });
}

void UdpServer::stop() {
    net::post(strand_, [this] {
        boost::system::error_code ignored;
        socket_.close(ignored);
    });
}

std::uint16_t UdpServer::port() const {
    boost::system::error_code ec;
    const auto ep = socket_.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

void UdpServer::receive() {
    socket_.async_receive_from(
        net::buffer(buf_), from_, [this](boost::system::error_code ec, std::size_t n) {
            if (ec == net::error::operation_aborted || !socket_.is_open()) return;
            if (!ec) {
                if (n > limits::kMaxDatagram) {
                    ++stats_.not_webrtc;  // longer than any WebRTC datagram: truncated, dropped
                } else {
                    on_datagram(from_, {buf_.data(), n});
                    flush();  // what the datagram's handling queued (NACK retransmissions)
                }
            }
            receive();
        });
}

void UdpServer::on_datagram(const udp::endpoint& from, std::span<const std::uint8_t> d) {
    ++stats_.datagrams_in;
    stats_.bytes_in += d.size();
    if (d.empty()) {
        ++stats_.not_webrtc;
        return;
    }
    const std::uint8_t first = d[0];
    if (first <= 3) {
        on_stun(from, d);
        return;
    }
    // DTLS (20..63) and RTP/RTCP (128..191) only from a validated 5-tuple (RFC 7983 §7).
    if (!((first >= 20 && first <= 63) || (first >= 128 && first <= 191))) {
        ++stats_.not_webrtc;
        return;
    }
    auto it = by_tuple_.find(from);
    auto t = it == by_tuple_.end() ? nullptr : it->second.lock();
    if (!t) {
        ++stats_.unknown_source;
        return;
    }
    t->on_datagram(from, d);
}

void UdpServer::on_stun(const udp::endpoint& from, std::span<const std::uint8_t> d) {
    if (!looks_like_stun(d)) {
        ++stats_.stun_malformed;
        return;
    }
    auto msg = parse_stun(d);
    if (!msg) {
        ++stats_.stun_malformed;
        return;
    }
    // Only Binding requests need an answer; responses and indications (keepalives) end here.
    if (msg->method != 0x001 || msg->cls != StunClass::request) return;
    if (!msg->username) {
        ++stats_.stun_unauthorized;
        send(from, build_binding_error(msg->transaction_id, 400, "Bad Request", {}));
        return;
    }
    // USERNAME is "ourUfrag:peerUfrag" in a check sent to us (RFC 8445 §7.2.2).
    const std::string_view user = *msg->username;
    const auto colon = user.find(':');
    const std::string ufrag(user.substr(0, colon));
    auto it = by_ufrag_.find(ufrag);
    auto t = it == by_ufrag_.end() ? nullptr : it->second.lock();
    if (!t) {
        ++stats_.stun_unknown_ufrag;  // a session that ended, or a stranger: no password to sign
        return;
    }
    const std::string& pwd = t->local().pwd;
    if (msg->integrity_offset == 0 || !verify_integrity(d, *msg, pwd)) {
        ++stats_.stun_unauthorized;
        send(from, build_binding_error(msg->transaction_id, 401, "Unauthorized", {}));
        return;
    }
    if (!msg->unknown_required.empty()) {
        send(from, build_binding_error(msg->transaction_id, 420, "Unknown Attribute", pwd,
                                       msg->unknown_required));
        return;
    }
    // We are ICE-lite, hence controlled (RFC 8445 §6.1.1); a peer that says it is controlled
    // too is in a role conflict (§7.3.1.1).
    if (msg->ice_controlled) {
        send(from, build_binding_error(msg->transaction_id, 487, "Role Conflict", pwd));
        return;
    }
    send(from, build_binding_success(msg->transaction_id, from, pwd));
    t->on_check(from, msg->use_candidate);
}

void UdpServer::add(const std::shared_ptr<Transport>& t) {
    by_ufrag_[t->local().ufrag] = t;
    stats_.transports = by_ufrag_.size();
}

void UdpServer::remove(const Transport& t) {
    by_ufrag_.erase(t.local().ufrag);
    std::erase_if(by_tuple_, [&](const auto& kv) {
        auto p = kv.second.lock();
        return !p || p.get() == &t;
    });
    stats_.transports = by_ufrag_.size();
}

void UdpServer::validate(const udp::endpoint& from, const std::shared_ptr<Transport>& t) {
    auto& slot = by_tuple_[from];
    // A 5-tuple belongs to the last transport that validated it (a browser reusing its port
    // for a new session after the old one ended).
    slot = t;
}

void UdpServer::send(const udp::endpoint& to, std::span<const std::uint8_t> d) {
    flush();
    ++stats_.send_calls;
    boost::system::error_code ec;
    socket_.send_to(net::buffer(d.data(), d.size()), to, 0, ec);
    if (ec) {
        ++stats_.send_dropped;
        return;
    }
    ++stats_.datagrams_out;
    stats_.bytes_out += d.size();
}

std::span<std::uint8_t> UdpServer::slot() {
    if (batch_.full()) flush();
    return batch_.slot();
}

void UdpServer::flush() {
    if (batch_.empty()) return;
    if (!socket_.is_open()) {
        stats_.send_dropped += batch_.size();
        batch_.clear();
        return;
    }
    const auto r = send_batch(socket_.native_handle(), batch_, gso_);
    stats_.datagrams_out += r.sent;
    stats_.bytes_out += r.bytes;
    stats_.send_dropped += r.dropped;
    stats_.send_calls += r.syscalls;
    stats_.gso_messages += r.gso_messages;
}

}  // namespace nchat::webrtc
