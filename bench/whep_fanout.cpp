// WHEP fan-out load generator (issue 14, docs/BENCHMARKS.md "WHEP fan-out"): N synthetic
// viewers of one stream of a running nchat-live, each a full WebRTC receiver built on the
// project's own STUN, DTLS (client role) and SRTP code. Each viewer POSTs a recvonly offer,
// sends an ICE check with USE-CANDIDATE, runs the DTLS handshake, then SRTP-unprotects every
// packet and counts sequence gaps per SSRC. Over a steady window it reads the server's CPU time
// from /proc/PID/stat and its own from getrusage.
//
// One thread, one epoll, recvmmsg per socket: the generator shares the cores with the server,
// so it must cost little. Server CPU is also given per packet received, since a starved server
// sends less and its CPU per viewer alone would then flatter it. No NACKs and no RTCP are sent: a
// gap is a packet the server did not deliver (or the kernel dropped), never repaired.
//
//   nchat-whep-fanout --http 127.0.0.1:PORT --stream ID --viewers N --pid PID
//                     [--warmup 5] [--seconds 30] [--connect-batch 25]
#include <utility>
// (utility first: Boost 1.74 + C++20, toolchain.md)
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/crypto.hpp"
#include "webrtc/certificate.hpp"
#include "webrtc/dtls.hpp"
#include "webrtc/srtp_session.hpp"
#include "webrtc/stun.hpp"

namespace {

using namespace nchat::webrtc;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Options {
    std::string http_host = "127.0.0.1";
    std::uint16_t http_port = 0;
    std::string stream;
    int viewers = 1;
    int pid = 0;
    double warmup = 5, seconds = 30;
    int connect_batch = 25;
};

// Sequence accounting for one SSRC: forward jumps are gaps, backward ones late arrivals.
struct SeqCount {
    std::uint32_t ssrc = 0;
    bool started = false;
    std::uint16_t last = 0;
    std::uint64_t received = 0, gaps = 0, late = 0;

    void add(std::uint16_t seq) {
        ++received;
        if (!started) {
            started = true;
            last = seq;
            return;
        }
        const auto d = static_cast<std::uint16_t>(seq - last);
        if (d == 0 || d >= 0x8000) {
            ++late;
            return;
        }
        gaps += d - 1;
        last = seq;
    }
};

struct Totals {
    std::uint64_t received = 0, gaps = 0, late = 0, bytes = 0, srtp_failures = 0;
};

struct Viewer {
    int fd = -1;
    sockaddr_in server{};
    std::string ufrag, pwd, remote_ufrag, remote_pwd, remote_fingerprint;
    std::unique_ptr<DtlsTransport> dtls;
    std::optional<SrtpSession> srtp;
    std::array<SeqCount, 4> ssrcs{};  // audio and video; a few spare
    std::uint64_t bytes = 0, srtp_failures = 0, rtcp = 0;
    bool ice_ok = false, connected = false, failed = false;
    Clock::time_point next_check{};
    // The oldest check not yet answered (retries count from it): how long the server takes to
    // answer a check is what keeps a session's consent alive.
    std::optional<Clock::time_point> check_waiting;

    Totals totals() const {
        Totals t;
        for (const auto& s : ssrcs) {
            t.received += s.received;
            t.gaps += s.gaps;
            t.late += s.late;
        }
        t.bytes = bytes;
        t.srtp_failures = srtp_failures;
        return t;
    }
};

std::string random_token(std::size_t n) {
    static constexpr char kChars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const auto b = nchat::util::random_bytes(n);
    std::string s;
    for (auto c : b)
        s += kChars[c % (sizeof kChars - 1)];
    return s;
}

std::string offer_sdp(const Viewer& v, const std::string& fingerprint) {
    std::ostringstream o;
    const auto media = [&](const char* m, const char* mid, const char* fmts) {
        o << "m=" << m << " 9 UDP/TLS/RTP/SAVPF " << fmts << "\r\n"
          << "c=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
          << "a=ice-ufrag:" << v.ufrag << "\r\na=ice-pwd:" << v.pwd << "\r\n"
          << "a=fingerprint:sha-256 " << fingerprint << "\r\na=setup:active\r\n"
          << "a=mid:" << mid << "\r\na=recvonly\r\na=rtcp-mux\r\n";
    };
    o << "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      << "a=group:BUNDLE 0 1\r\na=msid-semantic: WMS\r\n";
    media("audio", "0", "111");
    o << "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n";
    media("video", "1", "102 106");
    o << "a=rtcp-rsize\r\na=rtpmap:102 H264/90000\r\na=rtcp-fb:102 nack\r\n"
      << "a=rtcp-fb:102 nack pli\r\n"
      << "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
      << "a=rtpmap:106 H264/90000\r\na=rtcp-fb:106 nack\r\na=rtcp-fb:106 nack pli\r\n"
      << "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640028\r\n";
    return o.str();
}

// A blocking HTTP/1.1 POST with Connection: close; the status and the body.
std::pair<int, std::string> http_post(const Options& opt,
                                      const std::string& path,
                                      const std::string& body) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(opt.http_port);
    ::inet_pton(AF_INET, opt.http_host.c_str(), &a.sin_addr);
    if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(s);
        return {0, "connect: " + std::string(std::strerror(errno))};
    }
    std::string req =
        "POST " + path + " HTTP/1.1\r\nHost: " + opt.http_host +
        "\r\nContent-Type: application/sdp\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body;
    for (std::size_t off = 0; off < req.size();) {
        const auto n = ::send(s, req.data() + off, req.size() - off, MSG_NOSIGNAL);
        if (n <= 0) break;
        off += static_cast<std::size_t>(n);
    }
    std::string res;
    char buf[8192];
    for (;;) {
        const auto n = ::recv(s, buf, sizeof buf, 0);
        if (n <= 0) break;
        res.append(buf, static_cast<std::size_t>(n));
    }
    ::close(s);
    int status = 0;
    std::sscanf(res.c_str(), "HTTP/1.%*d %d", &status);
    const auto at = res.find("\r\n\r\n");
    return {status, at == std::string::npos ? std::string() : res.substr(at + 4)};
}

// Reads ICE credentials, fingerprint and the first UDP host candidate from the answer.
bool parse_answer(const std::string& sdp, Viewer& v) {
    std::istringstream in(sdp);
    std::string line;
    bool have_candidate = false;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto value = [&](std::string_view prefix) -> std::optional<std::string> {
            if (line.rfind(prefix, 0) != 0) return std::nullopt;
            return line.substr(prefix.size());
        };
        if (auto u = value("a=ice-ufrag:"); u && v.remote_ufrag.empty()) v.remote_ufrag = *u;
        if (auto p = value("a=ice-pwd:"); p && v.remote_pwd.empty()) v.remote_pwd = *p;
        if (auto f = value("a=fingerprint:sha-256 ")) v.remote_fingerprint = *f;
        if (auto c = value("a=candidate:"); c && !have_candidate) {
            std::istringstream cs(*c);
            std::string foundation, component, proto, priority, ip, port;
            cs >> foundation >> component >> proto >> priority >> ip >> port;
            if (proto != "udp" && proto != "UDP") continue;
            v.server.sin_family = AF_INET;
            v.server.sin_port = htons(static_cast<std::uint16_t>(std::stoi(port)));
            have_candidate = ::inet_pton(AF_INET, ip.c_str(), &v.server.sin_addr) == 1;
        }
    }
    return have_candidate && !v.remote_ufrag.empty() && !v.remote_pwd.empty() &&
           !v.remote_fingerprint.empty();
}

void send_to(const Viewer& v, std::span<const std::uint8_t> d) {
    ::sendto(v.fd, d.data(), d.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&v.server),
             sizeof v.server);
}

void send_check(Viewer& v, bool use_candidate) {
    TransactionId tid{};
    const auto r = nchat::util::random_bytes(tid.size());
    std::copy(r.begin(), r.end(), tid.begin());
    send_to(v, build_binding_request(tid, v.remote_ufrag + ":" + v.ufrag, v.remote_pwd, 2122260223,
                                     0x1234567890abcdefULL, use_candidate));
    // Until answered, again every 100 ms as a browser paces its checks (the session may not be
    // registered yet when the first one arrives); then for consent (RFC 7675: < 30 s).
    const auto now = Clock::now();
    if (!v.check_waiting) v.check_waiting = now;
    v.next_check = now + (v.ice_ok ? Clock::duration(5s) : Clock::duration(100ms));
}

// Milliseconds from each check (its first try) to its answer, for every viewer.
std::vector<double> g_check_ms;

void on_datagram(Viewer& v, const std::uint8_t* d, std::size_t n, std::vector<std::uint8_t>& buf) {
    if (n == 0) return;
    const std::uint8_t first = d[0];
    if (first <= 3) {  // our checks' answers: DTLS starts once ICE has (as in a browser)
        if (v.check_waiting) {
            g_check_ms.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - *v.check_waiting).count());
            v.check_waiting.reset();
        }
        if (!v.ice_ok) {
            v.ice_ok = true;
            if (v.dtls) v.dtls->start();
        }
        return;
    }
    if (first >= 20 && first <= 63) {
        if (!v.dtls) return;
        v.dtls->on_datagram({d, n});
        if (!v.connected && v.dtls->state() == DtlsTransport::State::connected) {
            const auto& k = *v.dtls->keys();
            auto s = SrtpSession::create(k.profile, SrtpSession::Direction::inbound, k.remote);
            if (!s) {
                v.failed = true;
                return;
            }
            v.srtp.emplace(std::move(*s));
            v.connected = true;
        } else if (v.dtls->state() == DtlsTransport::State::failed) {
            v.failed = true;
        }
        return;
    }
    if (first < 128 || first > 191 || !v.srtp || n < 12) return;
    buf.assign(d, d + n);
    const std::uint8_t pt = d[1] & 0x7f;
    if (pt >= 64 && pt <= 95) {  // RTCP (RFC 5761 §4): sender reports
        if (v.srtp->unprotect_rtcp(buf)) ++v.rtcp;
        return;
    }
    if (!v.srtp->unprotect_rtp(buf)) {
        ++v.srtp_failures;
        return;
    }
    v.bytes += n;
    const auto seq = static_cast<std::uint16_t>((buf[2] << 8) | buf[3]);
    const std::uint32_t ssrc = (std::uint32_t{buf[8]} << 24) | (std::uint32_t{buf[9]} << 16) |
                               (std::uint32_t{buf[10]} << 8) | buf[11];
    for (auto& s : v.ssrcs) {
        if (!s.started || s.ssrc == ssrc) {
            s.ssrc = ssrc;
            s.add(seq);
            return;
        }
    }
}

class Loop {
public:
    explicit Loop(std::vector<Viewer>& viewers) : viewers_(viewers) {
        ep_ = ::epoll_create1(0);
        for (std::size_t i = 0; i < kBatch; ++i) {
            iov_[i] = {bufs_[i].data(), bufs_[i].size()};
            msgs_[i].msg_hdr.msg_iov = &iov_[i];
            msgs_[i].msg_hdr.msg_iovlen = 1;
        }
    }
    ~Loop() { ::close(ep_); }

    void watch(std::size_t i) {
        epoll_event e{};
        e.events = EPOLLIN;
        e.data.u64 = i;
        ::epoll_ctl(ep_, EPOLL_CTL_ADD, viewers_[i].fd, &e);
    }

    // Runs until `until` or `done()` says so; at least one pass.
    template <typename Done>
    void run(Clock::time_point until, Done done) {
        std::array<epoll_event, 256> events{};
        auto next_timers = Clock::now();
        do {
            const int n = ::epoll_wait(ep_, events.data(), events.size(), 5);
            for (int e = 0; e < n; ++e)
                drain(viewers_[events[e].data.u64]);
            const auto now = Clock::now();
            if (now >= next_timers) {
                next_timers = now + 100ms;
                for (auto& v : viewers_) {
                    if (v.fd < 0 || v.failed) continue;
                    if (!v.connected && v.dtls) v.dtls->on_timer();  // handshake retransmission
                    if (now >= v.next_check) send_check(v, true);
                }
            }
        } while (Clock::now() < until && !done());
    }

private:
    static constexpr std::size_t kBatch = 32;

    void drain(Viewer& v) {
        for (;;) {
            for (auto& m : msgs_)
                m.msg_hdr.msg_flags = 0;
            const int n = ::recvmmsg(v.fd, msgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
            if (n <= 0) return;
            for (int i = 0; i < n; ++i)
                on_datagram(v, bufs_[i].data(), msgs_[i].msg_len, scratch_);
            if (static_cast<std::size_t>(n) < kBatch) return;
        }
    }

    std::vector<Viewer>& viewers_;
    int ep_ = -1;
    std::array<std::array<std::uint8_t, 2048>, kBatch> bufs_{};
    std::array<iovec, kBatch> iov_{};
    std::array<mmsghdr, kBatch> msgs_{};
    std::vector<std::uint8_t> scratch_;
};

// utime + stime of a process, in clock ticks (proc(5): fields 14 and 15).
std::uint64_t process_ticks(int pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const auto close = s.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream in(s.substr(close + 2));
    std::string field;
    std::uint64_t utime = 0, stime = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    return utime + stime;
}

double self_cpu_seconds() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Busy and total jiffies of the whole machine (/proc/stat "cpu" line).
std::pair<std::uint64_t, std::uint64_t> machine_ticks() {
    std::ifstream f("/proc/stat");
    std::string cpu;
    f >> cpu;
    std::uint64_t v[10] = {}, total = 0;
    for (auto& x : v) {
        f >> x;
        total += x;
    }
    const std::uint64_t idle = v[3] + v[4];
    return {total - idle, total};
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], val = argv[i + 1];
        if (k == "--http") {
            const auto c = val.rfind(':');
            o.http_host = val.substr(0, c);
            o.http_port = static_cast<std::uint16_t>(std::stoi(val.substr(c + 1)));
        } else if (k == "--stream") {
            o.stream = val;
        } else if (k == "--viewers") {
            o.viewers = std::stoi(val);
        } else if (k == "--pid") {
            o.pid = std::stoi(val);
        } else if (k == "--warmup") {
            o.warmup = std::stod(val);
        } else if (k == "--seconds") {
            o.seconds = std::stod(val);
        } else if (k == "--connect-batch") {
            o.connect_batch = std::stoi(val);
        }
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const Options opt = parse(argc, argv);
    if (opt.http_port == 0 || opt.stream.empty() || opt.viewers < 1 || opt.pid <= 0) {
        std::fprintf(stderr,
                     "usage: %s --http HOST:PORT --stream ID --viewers N --pid SERVER_PID "
                     "[--warmup S] [--seconds S] [--connect-batch K]\n",
                     argv[0]);
        return 2;
    }
    // One identity for every synthetic viewer: what matters is that each has its own DTLS
    // session and SRTP keys, as browsers would.
    const DtlsContext ctx(Certificate::generate());
    const std::string fingerprint = ctx.certificate().fingerprint();
    std::vector<Viewer> viewers(static_cast<std::size_t>(opt.viewers));
    Loop loop(viewers);

    const auto t_connect = Clock::now();
    int refused = 0;
    double post_seconds = 0;
    for (std::size_t first = 0; first < viewers.size();) {
        const std::size_t last =
            std::min(viewers.size(), first + static_cast<std::size_t>(opt.connect_batch));
        for (std::size_t i = first; i < last; ++i) {
            auto& v = viewers[i];
            v.fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            sockaddr_in any{};
            any.sin_family = AF_INET;
            ::inet_pton(AF_INET, "127.0.0.1", &any.sin_addr);
            ::bind(v.fd, reinterpret_cast<sockaddr*>(&any), sizeof any);
            const int rcv = 1 << 20;
            ::setsockopt(v.fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
            v.ufrag = random_token(8);
            v.pwd = random_token(24);
            const auto t_post = Clock::now();
            const auto [status, answer] =
                http_post(opt, "/api/whep/" + opt.stream, offer_sdp(v, fingerprint));
            post_seconds += std::chrono::duration<double>(Clock::now() - t_post).count();
            // A POST can take a while on a loaded server: keep the viewers already connected
            // drained and their consent checks going meanwhile.
            loop.run(Clock::now(), [] { return false; });
            if (status != 201 || !parse_answer(answer, v)) {
                std::fprintf(stderr, "viewer %zu: POST gave %d: %s\n", i, status,
                             answer.substr(0, 200).c_str());
                ++refused;
                v.failed = true;
                continue;
            }
            loop.watch(i);
            Viewer* self = &v;
            v.dtls = std::make_unique<DtlsTransport>(
                ctx, v.remote_fingerprint,
                [self](std::span<const std::uint8_t> d) { send_to(*self, d); },
                DtlsTransport::Role::client);
            send_check(v, true);
        }
        loop.run(Clock::now() + 10s, [&] {
            return std::all_of(viewers.begin() + static_cast<std::ptrdiff_t>(first),
                               viewers.begin() + static_cast<std::ptrdiff_t>(last),
                               [](const Viewer& v) { return v.connected || v.failed; });
        });
        std::fprintf(stderr,
                     "connecting: %zu of %zu done, %ld connected, %.1f s (%.1f s in POSTs)\n", last,
                     viewers.size(),
                     static_cast<long>(std::count_if(viewers.begin(), viewers.end(),
                                                     [](const Viewer& v) { return v.connected; })),
                     std::chrono::duration<double>(Clock::now() - t_connect).count(), post_seconds);
        first = last;
    }
    const auto connected =
        std::count_if(viewers.begin(), viewers.end(), [](const Viewer& v) { return v.connected; });
    const double connect_s = std::chrono::duration<double>(Clock::now() - t_connect).count();
    std::fprintf(stderr, "%ld of %d viewers connected in %.1f s (%d refused)\n",
                 static_cast<long>(connected), opt.viewers, connect_s, refused);

    loop.run(Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(opt.warmup)),
             [] { return false; });

    std::vector<Totals> before(viewers.size());
    for (std::size_t i = 0; i < viewers.size(); ++i)
        before[i] = viewers[i].totals();
    const auto server0 = process_ticks(opt.pid);
    const auto self0 = self_cpu_seconds();
    const auto machine0 = machine_ticks();
    const auto t0 = Clock::now();
    loop.run(t0 + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(opt.seconds)),
             [] { return false; });
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    const auto server1 = process_ticks(opt.pid);
    const auto self1 = self_cpu_seconds();
    const auto machine1 = machine_ticks();

    const double tck = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const double server_pct = 100.0 * static_cast<double>(server1 - server0) / tck / wall;
    const double self_pct = 100.0 * (self1 - self0) / wall;
    const double machine_pct = 100.0 * static_cast<double>(machine1.first - machine0.first) /
                               static_cast<double>(machine1.second - machine0.second) *
                               static_cast<double>(::sysconf(_SC_NPROCESSORS_ONLN));
    std::uint64_t received = 0, gaps = 0, late = 0, bytes = 0, srtp_failures = 0;
    std::uint64_t min_received = UINT64_MAX, max_received = 0;
    int with_loss = 0, silent = 0;
    double worst_loss = 0;
    for (std::size_t i = 0; i < viewers.size(); ++i) {
        if (!viewers[i].connected) continue;
        const auto a = viewers[i].totals();
        const auto r = a.received - before[i].received;
        const auto g = a.gaps - before[i].gaps;
        received += r;
        gaps += g;
        late += a.late - before[i].late;
        bytes += a.bytes - before[i].bytes;
        srtp_failures += a.srtp_failures - before[i].srtp_failures;
        min_received = std::min(min_received, r);
        max_received = std::max(max_received, r);
        if (r == 0) ++silent;
        if (g > 0) ++with_loss;
        if (r + g > 0)
            worst_loss =
                std::max(worst_loss, 100.0 * static_cast<double>(g) / static_cast<double>(r + g));
    }
    const double n = connected > 0 ? static_cast<double>(connected) : 1.0;
    std::sort(g_check_ms.begin(), g_check_ms.end());
    const auto check_pct = [](double q) {
        if (g_check_ms.empty()) return 0.0;
        return g_check_ms[static_cast<std::size_t>(q * static_cast<double>(g_check_ms.size() - 1))];
    };
    int unanswered = 0;
    for (const auto& v : viewers)
        if (v.connected && v.check_waiting) ++unanswered;
    std::fprintf(stderr,
                 "checks answered: %zu, ms p50 %.2f p99 %.2f max %.2f; unanswered now: %d\n",
                 g_check_ms.size(), check_pct(0.5), check_pct(0.99), check_pct(1.0), unanswered);
    std::printf(
        "{\"viewers\":%d,\"connected\":%ld,\"connectSeconds\":%.1f,\"windowSeconds\":%.1f,"
        "\"serverCpuPct\":%.2f,\"serverCpuPctPerViewer\":%.4f,\"generatorCpuPct\":%.2f,"
        "\"machineBusyPctOf200\":%.1f,\"packetsPerViewerPerSecond\":%.1f,"
        "\"mbpsPerViewer\":%.3f,\"received\":%llu,\"gaps\":%llu,\"late\":%llu,"
        "\"lossPct\":%.4f,\"viewersWithLoss\":%d,\"worstViewerLossPct\":%.3f,"
        "\"silentViewers\":%d,\"minReceived\":%llu,\"maxReceived\":%llu,\"srtpFailures\":%llu,"
        "\"serverCpuUsPerPacket\":%.3f,\"checkMsP50\":%.2f,\"checkMsP99\":%.2f,"
        "\"checkMsMax\":%.1f,\"checksUnanswered\":%d}\n",
        opt.viewers, static_cast<long>(connected), connect_s, wall, server_pct, server_pct / n,
        self_pct, machine_pct, static_cast<double>(received) / n / wall,
        static_cast<double>(bytes) * 8 / 1e6 / n / wall, static_cast<unsigned long long>(received),
        static_cast<unsigned long long>(gaps), static_cast<unsigned long long>(late),
        received + gaps ? 100.0 * static_cast<double>(gaps) / static_cast<double>(received + gaps)
                        : 0.0,
        with_loss, worst_loss, silent,
        static_cast<unsigned long long>(min_received == UINT64_MAX ? 0 : min_received),
        static_cast<unsigned long long>(max_received),
        static_cast<unsigned long long>(srtp_failures),
        received ? server_pct / 100.0 * wall * 1e6 / static_cast<double>(received) : 0.0,
        check_pct(0.5), check_pct(0.99), check_pct(1.0), unanswered);
    for (auto& v : viewers)
        if (v.fd >= 0) ::close(v.fd);
    return connected == opt.viewers ? 0 : 1;
}
