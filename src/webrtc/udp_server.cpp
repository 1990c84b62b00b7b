#include "webrtc/udp_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include "util/log.hpp"
#include "webrtc/ice_check.hpp"
#include "webrtc/limits.hpp"
#include "webrtc/transport.hpp"

namespace nchat::webrtc {

namespace net = boost::asio;
using udp = net::ip::udp;

UdpServer::UdpServer(net::any_io_executor ex, UdpServerOptions opts)
    : strand_(net::make_strand(ex)), opts_(std::move(opts)), socket_(strand_) {}

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
        const auto& s = stats_;
        util::logger("webrtc")->info(
            "udp port closing: {} datagrams in over {} reads ({} full), {} out in {} calls, {} "
            "send drops",
            s.datagrams_in, s.receive_calls, s.receive_full_batches, s.datagrams_out, s.send_calls,
            s.send_dropped);
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
    socket_.async_wait(udp::socket::wait_read, [this](boost::system::error_code ec) {
        if (ec == net::error::operation_aborted || !socket_.is_open()) return;
        read_batch();
    });
}

void UdpServer::read_batch() {
    const std::size_t n = receive_batch(socket_.native_handle(), in_);
    if (n > 0) ++stats_.receive_calls;
    // Checks first: a late answer costs a session its consent (RFC 7675) or its connect
    // deadline, while DTLS and RTCP from the same batch lose nothing by waiting a few µs.
    for (int pass = 0; pass < 2; ++pass) {
        for (std::size_t i = 0; i < n; ++i) {
            const auto& e = in_.entry(i);
            const auto d = in_.data(i);
            const bool stun = !d.empty() && d[0] <= 3;
            if (stun != (pass == 0)) continue;
            if (e.truncated) {
                ++stats_.datagrams_in;
                ++stats_.not_webrtc;  // longer than any WebRTC datagram: truncated, dropped
                continue;
            }
            on_datagram(e.from, d);
        }
    }
    flush();  // what the datagrams' handling queued (NACK retransmissions)
    if (n < ReceiveBatch::kCapacity) {
        receive();
        return;
    }
    // A full batch: more may be waiting. Read on after whatever else is queued on the strand (a
    // fan-out turn), so neither side starves the other.
    ++stats_.receive_full_batches;
    net::post(strand_, [this] {
        if (socket_.is_open()) read_batch();
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
    using Verdict = CheckAnswer::Verdict;
    auto a = answer_check(d, from, [this](std::string_view ufrag) { return find(ufrag); });
    if (a.verdict == Verdict::malformed) ++stats_.stun_malformed;
    if (a.verdict == Verdict::unknown_ufrag) ++stats_.stun_unknown_ufrag;
    if (a.verdict == Verdict::unauthorized) ++stats_.stun_unauthorized;
    if (!a.reply.empty()) send(from, a.reply);
    if (a.transport) a.transport->on_check(from, a.use_candidate);
}

std::shared_ptr<Transport> UdpServer::find(std::string_view ufrag) const {
    auto it = by_ufrag_.find(std::string(ufrag));
    return it == by_ufrag_.end() ? nullptr : it->second.lock();
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
