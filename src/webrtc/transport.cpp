#include "webrtc/transport.hpp"

#include <algorithm>
#include <cstring>

#include "util/crypto.hpp"
#include "util/log.hpp"
#include "webrtc/limits.hpp"
#include "webrtc/tcp_connection.hpp"
#include "webrtc/udp_server.hpp"

namespace nchat::webrtc {

namespace net = boost::asio;
using udp = net::ip::udp;
using namespace std::chrono_literals;

namespace {

// ICE's ice-char set (RFC 8839 §5.4): ALPHA / DIGIT / "+" / "/".
std::string ice_string(std::size_t n) {
    static constexpr char kChars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const auto bytes = util::random_bytes(n);
    std::string out;
    out.reserve(n);
    for (auto b : bytes)
        out += kChars[b & 63];
    return out;
}

}  // namespace

IceCredentials IceCredentials::generate() {
    return {ice_string(8), ice_string(24)};
}

Transport::Transport(UdpServer& server,
                     const DtlsContext& dtls,
                     IceCredentials local,
                     Remote remote,
                     std::weak_ptr<TransportListener> listener)
    : server_(server),
      local_(std::move(local)),
      remote_(std::move(remote)),
      listener_(std::move(listener)),
      last_check_(std::chrono::steady_clock::now()),
      dtls_timer_(server.strand()),
      consent_timer_(server.strand()) {
    dtls_ = std::make_unique<DtlsTransport>(
        dtls, remote_.fingerprint, [this](std::span<const std::uint8_t> d) { send_raw(d); });
}

Transport::~Transport() = default;

void Transport::start() {
    arm_consent_timer();
}

void Transport::on_check(const udp::endpoint& from, bool use_candidate) {
    if (closed_) return;
    ++stats_.checks;
    last_check_ = std::chrono::steady_clock::now();
    // Every authenticated 5-tuple may carry this peer's DTLS and media; we send on the one the
    // controlling peer nominated (USE-CANDIDATE), or on the first that worked until it does.
    if (std::find(tuples_.begin(), tuples_.end(), from) == tuples_.end()) {
        if (tuples_.size() + tcp_paths_.size() >= limits::kMaxTuplesPerTransport) return;
        tuples_.push_back(from);
        server_.validate(from, shared_from_this());
    }
    // Until the peer nominates, UDP wins over an ICE-TCP path that happened to check first (a
    // browser tries both; its priorities, and ours, put UDP first).
    if (!has_path() || use_candidate || tentative_tcp()) {
        selected_ = from;
        selected_tcp_.reset();
    }
    if (use_candidate) nominated_ = true;
}

bool Transport::on_tcp_check(const std::shared_ptr<TcpConnection>& c, bool use_candidate) {
    if (closed_) return false;
    const auto known = std::find_if(tcp_paths_.begin(), tcp_paths_.end(),
                                    [&](const auto& w) { return w.lock() == c; });
    if (known == tcp_paths_.end()) {
        if (tuples_.size() + tcp_paths_.size() >= limits::kMaxTuplesPerTransport) return false;
        tcp_paths_.push_back(c);
    }
    ++stats_.checks;
    last_check_ = std::chrono::steady_clock::now();
    if (!has_path() || use_candidate) {
        selected_tcp_ = c;
        selected_.reset();
    }
    if (use_candidate) nominated_ = true;
    return true;
}

void Transport::on_tcp_datagram(TcpConnection& c, std::span<const std::uint8_t> d) {
    if (closed_) return;
    // As on UDP: DTLS before the nominating check is answered where it came from.
    if (d[0] >= 20 && d[0] <= 63 && !has_path()) selected_tcp_ = c.weak_from_this();
    on_packet(d);
}

void Transport::on_tcp_closed(const TcpConnection& c) {
    std::erase_if(tcp_paths_, [&](const auto& w) {
        auto p = w.lock();
        return !p || p.get() == &c;
    });
    if (auto s = selected_tcp_.lock(); !s || s.get() == &c) selected_tcp_.reset();
}

std::string_view Transport::ice_protocol() const {
    if (!selected_tcp_.expired()) return "tcp";
    return selected_ ? "udp" : "";
}

void Transport::on_datagram(const udp::endpoint& from, std::span<const std::uint8_t> d) {
    if (closed_) return;
    // A peer's DTLS may come before its nominating check: answer where it came from.
    if (d[0] >= 20 && d[0] <= 63 && (!has_path() || tentative_tcp())) {
        selected_ = from;
        selected_tcp_.reset();
    }
    on_packet(d);
}

void Transport::on_packet(std::span<const std::uint8_t> d) {
    const std::uint8_t first = d[0];
    if (first >= 20 && first <= 63) {
        dtls_->on_datagram(d);
        on_dtls_progress();
        return;
    }
    ++stats_.packets_in;
    stats_.bytes_in += d.size();
    if (!srtp_in_) {
        ++stats_.dropped_before_keys;
        return;
    }
    std::vector<std::uint8_t> p(d.begin(), d.end());
    auto listener = listener_.lock();
    if (looks_like_rtcp(p)) {
        if (!srtp_in_->unprotect_rtcp(p)) {
            ++stats_.srtp_failures;
            return;
        }
        if (listener) listener->on_rtcp(p);
        return;
    }
    if (!srtp_in_->unprotect_rtp(p)) {
        ++stats_.srtp_failures;
        return;
    }
    auto rtp = parse_rtp(std::move(p));
    if (!rtp) {
        ++stats_.srtp_failures;  // authenticated, yet not RTP: the peer's bug, counted with them
        return;
    }
    if (listener) listener->on_rtp(std::move(*rtp));
}

void Transport::on_dtls_progress() {
    switch (dtls_->state()) {
        case DtlsTransport::State::handshaking:
            arm_dtls_timer();
            return;
        case DtlsTransport::State::connected:
            if (!srtp_out_) {
                const auto& k = *dtls_->keys();
                auto in = SrtpSession::create(k.profile, SrtpSession::Direction::inbound, k.remote);
                auto out =
                    SrtpSession::create(k.profile, SrtpSession::Direction::outbound, k.local);
                if (!in || !out) {
                    closed_by_peer("SRTP could not be keyed");
                    return;
                }
                srtp_in_.emplace(std::move(*in));
                srtp_out_.emplace(std::move(*out));
                dtls_timer_.cancel();
                if (auto l = listener_.lock()) l->on_transport_connected();
            }
            return;
        case DtlsTransport::State::failed:
            closed_by_peer("DTLS failed: " + dtls_->failure());
            return;
        case DtlsTransport::State::closed:
            closed_by_peer("the peer closed DTLS");
            return;
    }
}

void Transport::arm_dtls_timer() {
    auto after = dtls_->next_timeout();
    if (!after) return;
    dtls_timer_.expires_after(*after);
    dtls_timer_.async_wait([w = weak_from_this()](boost::system::error_code ec) {
        auto self = w.lock();
        if (ec || !self || self->closed_) return;
        self->dtls_->on_timer();
        self->on_dtls_progress();
    });
}

void Transport::arm_consent_timer() {
    consent_timer_.expires_after(1s);
    consent_timer_.async_wait([w = weak_from_this()](boost::system::error_code ec) {
        auto self = w.lock();
        if (ec || !self || self->closed_) return;
        const auto& o = self->server_.options();
        const auto silent = std::chrono::steady_clock::now() - self->last_check_;
        if (!self->connected() && silent > o.connect_timeout) {
            self->closed_by_peer("ICE and DTLS did not complete");
            return;
        }
        if (silent > o.consent_timeout) {
            self->closed_by_peer("ICE consent expired (no checks from the peer)");
            return;
        }
        self->arm_consent_timer();
    });
}

bool Transport::send_rtp(std::vector<std::uint8_t> packet) {
    if (closed_ || !srtp_out_ || !has_path()) return false;
    if (!srtp_out_->protect_rtp(packet)) return false;
    send_raw(packet);
    return true;
}

bool Transport::queue_rtp(std::span<const std::uint8_t> rtp, std::uint8_t pt) {
    if (closed_ || !srtp_out_ || rtp.size() < 12) return false;
    if (!selected_) {
        if (selected_tcp_.expired()) return false;
        // An ICE-TCP path has no datagram batch: the copy goes through its connection's queue.
        std::vector<std::uint8_t> copy(rtp.begin(), rtp.end());
        copy[1] = static_cast<std::uint8_t>((copy[1] & 0x80) | (pt & 0x7f));
        return send_rtp(std::move(copy));
    }
    auto slot = server_.slot();
    if (slot.size() < rtp.size() + SrtpSession::kMaxTrailer) return false;
    std::memcpy(slot.data(), rtp.data(), rtp.size());
    slot[1] = static_cast<std::uint8_t>((slot[1] & 0x80) | (pt & 0x7f));
    std::size_t n = rtp.size();
    if (!srtp_out_->protect_rtp(slot, n)) return false;
    ++stats_.packets_out;
    stats_.bytes_out += n;
    server_.commit(*selected_, n);
    return true;
}

bool Transport::send_rtcp(std::vector<std::uint8_t> compound) {
    if (closed_ || !srtp_out_ || !has_path()) return false;
    if (!srtp_out_->protect_rtcp(compound)) return false;
    send_raw(compound);
    return true;
}

void Transport::send_raw(std::span<const std::uint8_t> d) {
    if (auto c = selected_tcp_.lock()) {
        if (!c->send(d)) {
            ++stats_.send_dropped;
            return;
        }
        ++stats_.packets_out;
        stats_.bytes_out += d.size();
        return;
    }
    if (!selected_) return;
    ++stats_.packets_out;
    stats_.bytes_out += d.size();
    server_.send(*selected_, d);
}

void Transport::close() {
    if (closed_) return;
    if (dtls_) dtls_->close();  // close_notify goes out before we forget the 5-tuple
    closed_ = true;
    dtls_timer_.cancel();
    consent_timer_.cancel();
    server_.remove(*this);
    close_tcp_paths();
}

void Transport::closed_by_peer(std::string why) {
    if (closed_) return;
    closed_ = true;
    dtls_timer_.cancel();
    consent_timer_.cancel();
    server_.remove(*this);
    close_tcp_paths();
    if (auto l = listener_.lock()) l->on_transport_closed(why);
}

void Transport::close_tcp_paths() {
    // An ICE-TCP connection serves one session, so it goes with it, once what is queued
    // (our close_notify) is written. Closing calls back on_tcp_closed: take the list first.
    auto paths = std::move(tcp_paths_);
    tcp_paths_.clear();
    selected_tcp_.reset();
    for (auto& w : paths) {
        if (auto c = w.lock()) c->close_after_flush();
    }
}

}  // namespace nchat::webrtc
