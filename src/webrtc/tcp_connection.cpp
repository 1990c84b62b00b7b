#include "webrtc/tcp_connection.hpp"

#include <cstring>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "util/byte_reader.hpp"
#include "util/log.hpp"
#include "webrtc/ice_check.hpp"
#include "webrtc/limits.hpp"
#include "webrtc/tcp_framing.hpp"
#include "webrtc/tcp_server.hpp"
#include "webrtc/transport.hpp"
#include "webrtc/udp_server.hpp"

namespace nchat::webrtc {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using udp = net::ip::udp;

namespace {

// Several frames per read when the peer sends fast; always room for one whole frame.
constexpr std::size_t kReadBuffer = 16 * 1024;
static_assert(kReadBuffer >= 2 + limits::kMaxTcpFrame);

auto log() {
    static auto l = util::logger("webrtc");
    return l;
}

// RFC 7983's ranges for what may follow a check: DTLS 20..63, RTP/RTCP 128..191.
bool is_dtls_or_rtp(std::uint8_t first) {
    return (first >= 20 && first <= 63) || (first >= 128 && first <= 191);
}

}  // namespace

TcpConnection::TcpConnection(TcpServer& server, tcp::socket socket, std::uint64_t id)
    : server_(server),
      socket_(std::move(socket)),
      id_(id),
      deadline_(server.udp().strand()),
      started_(std::chrono::steady_clock::now()),
      last_rx_(started_),
      in_(kReadBuffer) {
    boost::system::error_code ec;
    const auto ep = socket_.remote_endpoint(ec);
    if (!ec) remote_ = udp::endpoint(ep.address(), ep.port());
    // Media is latency-bound: no Nagle delay on small RTP and STUN frames.
    socket_.set_option(tcp::no_delay(true), ec);
}

TcpConnection::~TcpConnection() = default;

void TcpConnection::start() {
    arm_deadline();
    net::co_spawn(server_.udp().strand(), read_loop(), net::detached);
}

net::awaitable<void> TcpConnection::read_loop() {
    auto self = shared_from_this();  // alive while the loop runs
    std::size_t filled = 0;
    for (;;) {
        boost::system::error_code ec;
        const std::size_t n =
            co_await socket_.async_read_some(net::buffer(in_.data() + filled, in_.size() - filled),
                                             net::redirect_error(net::use_awaitable, ec));
        if (closed_) co_return;
        if (ec) {
            // EOF or a reset: the peer has gone; not an error of ours.
            close();
            co_return;
        }
        last_rx_ = std::chrono::steady_clock::now();
        filled += n;
        util::ByteReader in(std::span<const std::uint8_t>(in_.data(), filled));
        for (;;) {
            auto frame = read_rfc4571_frame(in, limits::kMaxTcpFrame);
            if (!frame) {
                if (frame.error() == TcpFramingError::need_more) break;
                ++server_.counters().oversize;
                log()->debug("peer={} ICE-TCP frame over {} bytes: closed",
                             remote_.address().to_string(), limits::kMaxTcpFrame);
                close();
                co_return;
            }
            on_frame(*frame);
            if (closed_) co_return;
        }
        // Keep the partial frame at the front; a whole one always fits after it.
        const std::size_t used = in.position();
        if (used > 0) std::memmove(in_.data(), in_.data() + used, filled - used);
        filled -= used;
    }
}

void TcpConnection::on_frame(std::span<const std::uint8_t> f) {
    auto& st = server_.counters();
    ++st.frames_in;
    st.bytes_in += f.size();
    if (!f.empty() && f[0] <= 3) {
        on_stun(f);
        return;
    }
    if (!authenticated_) {
        // RFC 6544 §7.2: nothing but a check is taken before one has succeeded.
        ++st.unauthenticated;
        close();
        return;
    }
    if (f.empty() || !is_dtls_or_rtp(f[0])) {
        ++st.not_webrtc;
        return;
    }
    auto t = transport_.lock();
    if (!t) {
        close();  // its session has ended
        return;
    }
    t->on_tcp_datagram(*this, f);
}

void TcpConnection::on_stun(std::span<const std::uint8_t> f) {
    using Verdict = CheckAnswer::Verdict;
    auto& st = server_.counters();
    auto& udp = server_.udp();
    auto a = answer_check(f, remote_, [&udp](std::string_view ufrag) { return udp.find(ufrag); });
    if (a.verdict == Verdict::malformed) ++st.stun_malformed;
    if (a.verdict == Verdict::unknown_ufrag) ++st.stun_unknown_ufrag;
    if (a.verdict == Verdict::unauthorized) ++st.stun_unauthorized;
    if (authenticated_) {
        auto bound = transport_.lock();
        if (!bound) {
            close();
            return;
        }
        if (a.transport && a.transport != bound) {
            ++st.wrong_session;  // one connection, one session's candidate pair
            return;
        }
        if (!a.reply.empty()) send(a.reply);
        if (a.transport && !a.transport->on_tcp_check(shared_from_this(), a.use_candidate)) close();
        return;
    }
    if (!a.transport) {
        // Not a check that authenticates: answer it (a 400 or 401 tells a misconfigured peer
        // why) and close, as for any other first frame.
        ++st.unauthenticated;
        if (a.reply.empty()) {
            close();
            return;
        }
        send(a.reply);
        close_after_flush();
        return;
    }
    if (!a.transport->on_tcp_check(shared_from_this(), a.use_candidate)) {
        close();  // the session has as many paths as it may
        return;
    }
    authenticated_ = true;
    transport_ = a.transport;
    server_.authenticated(*this);
    send(a.reply);
}

bool TcpConnection::send(std::span<const std::uint8_t> d) {
    if (closed_ || closing_) return false;
    auto& st = server_.counters();
    if (d.size() > limits::kMaxTcpFrame ||
        queued_.size() + writing_.size() + 2 + d.size() > server_.options().max_queued_bytes) {
        ++st.send_dropped;
        return false;
    }
    append_rfc4571_frame(queued_, d);
    ++st.frames_out;
    st.bytes_out += d.size();
    if (writing_.empty()) write_more();
    return true;
}

void TcpConnection::write_more() {
    if (closed_) return;
    if (queued_.empty()) {
        if (closing_) close();
        return;
    }
    std::swap(writing_, queued_);
    net::async_write(socket_, net::buffer(writing_),
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                         if (self->closed_) return;
                         if (ec) {
                             self->close();
                             return;
                         }
                         self->writing_.clear();
                         self->write_more();
                     });
}

void TcpConnection::close_after_flush() {
    if (closed_ || closing_) return;
    closing_ = true;
    if (writing_.empty() && queued_.empty()) {
        close();
        return;
    }
    // A peer that does not read does not hold the connection open: the flush gets a second.
    deadline_.expires_after(std::chrono::seconds(1));
    deadline_.async_wait([w = weak_from_this()](boost::system::error_code ec) {
        auto self = w.lock();
        if (!ec && self) self->close();
    });
}

void TcpConnection::close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    deadline_.cancel();
    queued_.clear();
    if (auto t = transport_.lock()) t->on_tcp_closed(*this);
    server_.closed(*this);
}

void TcpConnection::arm_deadline() {
    const auto& o = server_.options();
    // Before the first check, a fixed deadline from the accept: trickling bytes does not
    // extend it. After, the connection lives while the peer keeps sending.
    deadline_.expires_at(authenticated_ ? last_rx_ + o.idle_timeout
                                        : started_ + o.first_check_timeout);
    deadline_.async_wait([w = weak_from_this()](boost::system::error_code ec) {
        auto self = w.lock();
        if (ec || !self || self->closed_) return;
        const auto now = std::chrono::steady_clock::now();
        const auto& o = self->server_.options();
        if (self->closing_) {
            self->close();
            return;
        }
        if (!self->authenticated_) {
            ++self->server_.counters().first_check_late;
            self->close();
            return;
        }
        if (now - self->last_rx_ >= o.idle_timeout) {
            ++self->server_.counters().idle;
            self->close();
            return;
        }
        self->arm_deadline();
    });
}

}  // namespace nchat::webrtc
