#include "webrtc/transport.hpp"

#include <algorithm>
#include <cstring>

#include "util/crypto.hpp"
#include "util/log.hpp"
#include "webrtc/limits.hpp"
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
        if (tuples_.size() >= limits::kMaxTuplesPerTransport) return;
        tuples_.push_back(from);
        server_.validate(from, shared_from_this());
    }
    if (!selected_ || use_candidate) selected_ = from;
}

void Transport::on_datagram(const udp::endpoint& from, std::span<const std::uint8_t> d) {
    if (closed_) return;
    const std::uint8_t first = d[0];
    if (first >= 20 && first <= 63) {
        // A peer's DTLS may come before its nominating check: answer where it came from.
        if (!selected_) selected_ = from;
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
    if (closed_ || !srtp_out_ || !selected_) return false;
    if (!srtp_out_->protect_rtp(packet)) return false;
    send_raw(packet);
    return true;
}

bool Transport::queue_rtp(std::span<const std::uint8_t> rtp, std::uint8_t pt) {
    if (closed_ || !srtp_out_ || !selected_ || rtp.size() < 12) return false;
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
    if (closed_ || !srtp_out_ || !selected_) return false;
    if (!srtp_out_->protect_rtcp(compound)) return false;
    send_raw(compound);
    return true;
}

void Transport::send_raw(std::span<const std::uint8_t> d) {
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
}

void Transport::closed_by_peer(std::string why) {
    if (closed_) return;
    closed_ = true;
    dtls_timer_.cancel();
    consent_timer_.cancel();
    server_.remove(*this);
    if (auto l = listener_.lock()) l->on_transport_closed(why);
}

}  // namespace nchat::webrtc
