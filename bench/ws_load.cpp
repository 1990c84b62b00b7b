// nchat-ws-load: the realtime WebSocket load generator (issue 6, Benchmark; bench/ws_load.sh).
//
// Opens N anonymous receivers into one stream's room (spread over one or more server URLs),
// then S senders (authenticated with a token) send M chat messages per second in total over
// their WebSockets for D seconds. Each message carries its send time (CLOCK_MONOTONIC, the same
// clock the receivers read: one process), so every delivery gives an end-to-end latency.
// Prints one JSON object: deliveries/s, latency percentiles, messages lost, and the servers'
// RSS per connection (VmRSS of the given PIDs before and after the receivers connected).
//
// Written to cost the server's cores as little as possible: one thread, no Beast WebSocket
// stream on the receive path (server frames are never masked, so the frames are parsed here
// from raw reads, several per read); the upgrade itself is Beast's HTTP.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

struct Args {
    std::vector<std::string> urls;  // http://host:port, receivers round-robin over them
    std::string stream;
    std::string token;      // for the senders
    std::vector<int> pids;  // servers whose RSS is read
    int clients = 1000;
    int senders = 4;
    double rate = 100;  // messages per second, all senders together
    double duration = 10;
    int batch = 500;   // receivers connecting at once
    double drain = 3;  // seconds to wait for the last deliveries
};

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

long rss_kib(int pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

long total_rss_kib(const std::vector<int>& pids) {
    long t = 0;
    for (int p : pids)
        t += std::max(0L, rss_kib(p));
    return t;
}

struct HostPort {
    std::string host, port;
};
HostPort parse_url(const std::string& url) {
    auto s = url.substr(url.find("://") + 3);
    auto colon = s.rfind(':');
    return {s.substr(0, colon), s.substr(colon + 1)};
}

// Latency histogram: 10 µs buckets up to 10 s.
class Histogram {
public:
    Histogram() : buckets_(1'000'001, 0) {}
    void add(std::int64_t ns) {
        auto b = std::clamp<std::int64_t>(ns / 10'000, 0, std::int64_t(buckets_.size()) - 1);
        ++buckets_[std::size_t(b)];
        ++count_;
        max_ = std::max(max_, ns);
    }
    double percentile_ms(double p) const {
        if (count_ == 0) return 0;
        auto want = std::uint64_t(std::ceil(p / 100.0 * double(count_)));
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < buckets_.size(); ++i) {
            seen += buckets_[i];
            if (seen >= want) return double(i + 1) * 0.01;
        }
        return double(max_) / 1e6;
    }
    double max_ms() const { return double(max_) / 1e6; }
    std::uint64_t count() const { return count_; }

private:
    std::vector<std::uint32_t> buckets_;
    std::uint64_t count_ = 0;
    std::int64_t max_ = 0;
};

struct Stats {
    Histogram latency;
    std::uint64_t deliveries = 0;    // chat messages received by receivers
    std::uint64_t other_frames = 0;  // viewers, hello, acks...
    std::uint64_t sent = 0;
    std::uint64_t refused = 0;  // error events to the senders
    std::uint64_t closed = 0;   // receivers the server closed
    std::int64_t first_send = 0, last_send = 0, last_delivery = 0;
    std::string last_error;
};

// A client frame (RFC 6455 §5.2): FIN + opcode, MASK bit with a zero key (XOR with zero
// leaves the payload as it is; servers accept any key).
std::string client_frame(unsigned char opcode, std::string_view payload) {
    std::string out;
    out.push_back(char(0x80 | opcode));
    auto len = payload.size();
    if (len < 126) {
        out.push_back(char(0x80 | len));
    } else if (len <= 0xffff) {
        out.push_back(char(0x80 | 126));
        out.push_back(char(len >> 8));
        out.push_back(char(len & 0xff));
    } else {
        out.push_back(char(0x80 | 127));
        for (int s = 56; s >= 0; s -= 8)
            out.push_back(char((len >> s) & 0xff));
    }
    out.append(4, '\0');
    out.append(payload);
    return out;
}

// The parts of a chat message's content this tool wrote: "b <sender> <seq> <send_ns>".
bool parse_bench_content(std::string_view payload, std::int64_t& sent_ns) {
    static constexpr std::string_view kKey = "\"content\":\"b ";
    auto at = payload.find(kKey);
    if (at == std::string_view::npos) return false;
    auto p = payload.data() + at + kKey.size();
    auto end = payload.data() + payload.size();
    // skip sender and seq
    for (int field = 0; field < 2; ++field) {
        while (p < end && *p != ' ')
            ++p;
        ++p;
    }
    std::int64_t v = 0;
    while (p < end && *p >= '0' && *p <= '9')
        v = v * 10 + (*p++ - '0');
    sent_ns = v;
    return true;
}

class Conn : public std::enable_shared_from_this<Conn> {
public:
    Conn(net::io_context& ioc, Stats& stats, bool sender)
        : socket_(ioc), stats_(stats), sender_(sender) {}

    // TCP connect, HTTP upgrade, subscribe (receivers); true when in the room.
    net::awaitable<bool> open(const std::string& url,
                              const std::string& stream,
                              const std::string& token) {
        auto hp = parse_url(url);
        tcp::resolver resolver(socket_.get_executor());
        error_code ec;
        auto eps = co_await resolver.async_resolve(hp.host, hp.port,
                                                   net::redirect_error(net::use_awaitable, ec));
        if (ec) co_return fail("resolve: " + ec.message());
        co_await net::async_connect(socket_, eps, net::redirect_error(net::use_awaitable, ec));
        if (ec) co_return fail("connect: " + ec.message());
        socket_.set_option(tcp::no_delay(true));
        bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/api/realtime", 11};
        req.set(bhttp::field::host, hp.host + ":" + hp.port);
        req.set(bhttp::field::connection, "Upgrade");
        req.set(bhttp::field::upgrade, "websocket");
        req.set(bhttp::field::sec_websocket_version, "13");
        req.set(bhttp::field::sec_websocket_key, "bmNoYXQtd3MtbG9hZC0xMg==");
        if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
        co_await bhttp::async_write(socket_, req, net::redirect_error(net::use_awaitable, ec));
        if (ec) co_return fail("upgrade write: " + ec.message());
        boost::beast::flat_buffer buf;
        bhttp::response<bhttp::empty_body> res;
        co_await bhttp::async_read(socket_, buf, res, net::redirect_error(net::use_awaitable, ec));
        if (ec) co_return fail("upgrade read: " + ec.message());
        if (res.result() != bhttp::status::switching_protocols) {
            co_return fail("upgrade refused: " + std::to_string(res.result_int()));
        }
        // Bytes after the 101 are the first frames.
        auto d = buf.data();
        carry_.assign(static_cast<const char*>(d.data()), d.size());
        if (!sender_) {
            nlohmann::json sub = {{"type", "subscribe"}, {"streamId", stream}, {"id", "s"}};
            co_await net::async_write(socket_, net::buffer(client_frame(1, sub.dump())),
                                      net::redirect_error(net::use_awaitable, ec));
            if (ec) co_return fail("subscribe: " + ec.message());
            // Wait for the ack, parsing what comes before it.
            while (!subscribed_) {
                std::size_t n = co_await socket_.async_read_some(
                    net::buffer(buf_), net::redirect_error(net::use_awaitable, ec));
                if (ec) co_return fail("subscribe read: " + ec.message());
                consume(n);
                if (refused_) co_return fail("subscribe refused");
            }
        }
        co_return true;
    }

    void start_reading() {
        if (!carry_.empty()) consume(0);
        read();
    }

    void send_text(std::string frame) {
        out_.push_back(std::move(frame));
        if (!writing_) write();
    }

    bool ok() const { return !closed_; }

private:
    bool fail(std::string what) {
        stats_.last_error = std::move(what);
        return false;
    }

    void read() {
        socket_.async_read_some(net::buffer(buf_),
                                [self = shared_from_this()](error_code ec, std::size_t n) {
                                    if (ec) {
                                        if (!self->closed_) ++self->stats_.closed;
                                        self->closed_ = true;
                                        return;
                                    }
                                    self->consume(n);
                                    self->read();
                                });
    }

    void write() {
        if (out_.empty()) {
            writing_ = false;
            return;
        }
        writing_ = true;
        auto frame = std::make_shared<std::string>(std::move(out_.front()));
        out_.erase(out_.begin());
        net::async_write(socket_, net::buffer(*frame),
                         [self = shared_from_this(), frame](error_code ec, std::size_t) {
                             if (ec) {
                                 self->writing_ = false;
                                 return;
                             }
                             self->write();
                         });
    }

    // Parses the frames in carry_ + buf_[0..n).
    void consume(std::size_t n) {
        std::string_view data;
        if (carry_.empty()) {
            data = std::string_view(buf_.data(), n);
        } else {
            carry_.append(buf_.data(), n);
            data = carry_;
        }
        std::size_t pos = 0;
        while (data.size() - pos >= 2) {
            auto b0 = static_cast<unsigned char>(data[pos]);
            auto b1 = static_cast<unsigned char>(data[pos + 1]);
            std::uint64_t len = b1 & 0x7f;
            std::size_t hdr = 2;
            if (len == 126) {
                if (data.size() - pos < 4) break;
                len = (std::uint64_t(static_cast<unsigned char>(data[pos + 2])) << 8) |
                      static_cast<unsigned char>(data[pos + 3]);
                hdr = 4;
            } else if (len == 127) {
                if (data.size() - pos < 10) break;
                len = 0;
                for (int i = 0; i < 8; ++i)
                    len = (len << 8) | static_cast<unsigned char>(data[pos + 2 + i]);
                hdr = 10;
            }
            if (data.size() - pos < hdr + len) break;
            frame(b0 & 0x0f, data.substr(pos + hdr, len));
            pos += hdr + len;
        }
        std::string rest(data.substr(pos));
        carry_ = std::move(rest);
    }

    void frame(unsigned opcode, std::string_view payload) {
        if (opcode == 0x9) {  // ping: answer with a pong carrying the same payload
            send_text(client_frame(0xA, payload));
            return;
        }
        if (opcode == 0x8) {
            closed_ = true;
            return;
        }
        if (opcode != 0x1) return;
        std::int64_t sent = 0;
        if (payload.find("\"type\":\"chat.message\"") != std::string_view::npos &&
            parse_bench_content(payload, sent)) {
            auto now = now_ns();
            if (!sender_) {
                stats_.latency.add(now - sent);
                ++stats_.deliveries;
                stats_.last_delivery = now;
            }
            return;
        }
        ++stats_.other_frames;
        if (payload.find("\"type\":\"ack\"") != std::string_view::npos &&
            payload.find("\"for\":\"subscribe\"") != std::string_view::npos) {
            subscribed_ = true;
        } else if (payload.find("\"type\":\"error\"") != std::string_view::npos) {
            if (sender_) {
                ++stats_.refused;
                if (stats_.last_error.empty()) stats_.last_error = std::string(payload);
            } else {
                refused_ = true;
                stats_.last_error = std::string(payload);
            }
        }
    }

    tcp::socket socket_;
    Stats& stats_;
    bool sender_;
    std::array<char, 4096> buf_;
    std::string carry_;
    std::vector<std::string> out_;
    bool writing_ = false;
    bool closed_ = false;
    bool subscribed_ = false;
    bool refused_ = false;
};

Args parse_args(int argc, char** argv) {
    Args a;
    auto split = [](const std::string& s) {
        std::vector<std::string> out;
        std::stringstream ss(s);
        std::string item;
        while (std::getline(ss, item, ','))
            if (!item.empty()) out.push_back(item);
        return out;
    };
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--url") {
            a.urls = split(v);
        } else if (k == "--stream") {
            a.stream = v;
        } else if (k == "--token") {
            a.token = v;
        } else if (k == "--pid") {
            for (auto& p : split(v))
                a.pids.push_back(std::stoi(p));
        } else if (k == "--clients") {
            a.clients = std::stoi(v);
        } else if (k == "--senders") {
            a.senders = std::stoi(v);
        } else if (k == "--rate") {
            a.rate = std::stod(v);
        } else if (k == "--duration") {
            a.duration = std::stod(v);
        } else if (k == "--batch") {
            a.batch = std::stoi(v);
        } else if (k == "--drain") {
            a.drain = std::stod(v);
        } else {
            std::cerr << "unknown option " << k << "\n";
            std::exit(2);
        }
    }
    if (a.urls.empty() || a.stream.empty() || a.token.empty()) {
        std::cerr << "usage: nchat-ws-load --url http://H:P[,http://H:P2] --stream ID --token T "
                     "[--pid PID[,PID2]] [--clients N] [--senders S] [--rate M] [--duration D] "
                     "[--batch B] [--drain SECONDS]\n";
        std::exit(2);
    }
    return a;
}

net::awaitable<void> sleep_for(Clock::duration d) {
    net::steady_timer t(co_await net::this_coro::executor, d);
    error_code ec;
    co_await t.async_wait(net::redirect_error(net::use_awaitable, ec));
}

net::awaitable<void> connect_batch(net::io_context& ioc,
                                   const Args& a,
                                   Stats& stats,
                                   std::vector<std::shared_ptr<Conn>>& out,
                                   int first,
                                   int count,
                                   int& failed,
                                   int& pending) {
    for (int i = first; i < first + count; ++i) {
        auto c = std::make_shared<Conn>(ioc, stats, false);
        const auto& url = a.urls[std::size_t(i) % a.urls.size()];
        const std::string anonymous;
        bool ok = co_await c->open(url, a.stream, anonymous);
        if (ok) {
            c->start_reading();
            out.push_back(c);
        } else {
            ++failed;
        }
    }
    --pending;
}

net::awaitable<void> run(net::io_context& ioc, Args a, int& exit_code) {
    Stats stats;
    long rss_before = total_rss_kib(a.pids);
    auto t_connect = Clock::now();

    // Receivers: `batch` coroutines, each connecting its share one after the other.
    std::vector<std::shared_ptr<Conn>> receivers;
    receivers.reserve(std::size_t(a.clients));
    int failed = 0;
    int lanes = std::min(a.batch, a.clients);
    int pending = lanes;
    int per = a.clients / lanes, extra = a.clients % lanes, first = 0;
    for (int l = 0; l < lanes; ++l) {
        int n = per + (l < extra ? 1 : 0);
        net::co_spawn(ioc, connect_batch(ioc, a, stats, receivers, first, n, failed, pending),
                      net::detached);
        first += n;
    }
    while (pending > 0)
        co_await sleep_for(20ms);
    double connect_s = std::chrono::duration<double>(Clock::now() - t_connect).count();
    if (failed > 0) {
        std::cerr << failed << " receivers failed to join: " << stats.last_error << "\n";
        exit_code = 1;
        co_return;
    }
    // Let the server settle (viewer-count announcements, freed handshake buffers).
    co_await sleep_for(2s);
    long rss_after = total_rss_kib(a.pids);

    // Senders: authenticated, not in the room.
    std::vector<std::shared_ptr<Conn>> senders;
    for (int i = 0; i < a.senders; ++i) {
        auto c = std::make_shared<Conn>(ioc, stats, true);
        if (!co_await c->open(a.urls[std::size_t(i) % a.urls.size()], a.stream, a.token)) {
            std::cerr << "sender failed: " << stats.last_error << "\n";
            exit_code = 1;
            co_return;
        }
        c->start_reading();
        senders.push_back(c);
    }
    co_await sleep_for(500ms);
    stats.other_frames = 0;
    stats.last_error.clear();

    // Sending: message k at start + k / rate, round robin over the senders.
    auto start = Clock::now();
    auto total = std::uint64_t(a.rate * a.duration);
    auto interval = std::chrono::duration<double>(1.0 / a.rate);
    stats.first_send = now_ns();
    for (std::uint64_t k = 0; k < total; ++k) {
        auto due = start + std::chrono::duration_cast<Clock::duration>(interval * double(k));
        if (due > Clock::now()) co_await sleep_for(due - Clock::now());
        auto& s = senders[k % senders.size()];
        std::string content = "b " + std::to_string(k % senders.size()) + " " + std::to_string(k) +
                              " " + std::to_string(now_ns());
        nlohmann::json msg = {{"type", "chat.send"}, {"streamId", a.stream}, {"content", content}};
        s->send_text(client_frame(1, msg.dump()));
        ++stats.sent;
    }
    stats.last_send = now_ns();
    double send_s = std::chrono::duration<double>(Clock::now() - start).count();
    // The last deliveries.
    auto expected = [&] { return (stats.sent - stats.refused) * receivers.size(); };
    auto drain_until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(a.drain));
    while (stats.deliveries < expected() && Clock::now() < drain_until)
        co_await sleep_for(50ms);
    long rss_end = total_rss_kib(a.pids);

    double span_s = double(std::max(stats.last_delivery, stats.last_send) - stats.first_send) / 1e9;
    std::uint64_t lost = expected() - std::min(expected(), stats.deliveries);
    nlohmann::json out = {
        {"clients", receivers.size()},
        {"nodes", a.urls.size()},
        {"senders", a.senders},
        {"rate", a.rate},
        {"duration_s", send_s},
        {"sent", stats.sent},
        {"refused", stats.refused},
        {"deliveries", stats.deliveries},
        {"expected", expected()},
        {"lost", lost},
        {"deliveries_per_s", double(stats.deliveries) / span_s},
        {"p50_ms", stats.latency.percentile_ms(50)},
        {"p99_ms", stats.latency.percentile_ms(99)},
        {"max_ms", stats.latency.max_ms()},
        {"receivers_closed", stats.closed},
        {"connect_s", connect_s},
        {"rss_before_kib", rss_before},
        {"rss_connected_kib", rss_after},
        {"rss_end_kib", rss_end},
        {"rss_per_conn_kib",
         receivers.empty() ? 0.0 : double(rss_after - rss_before) / double(receivers.size())},
        {"last_error", stats.last_error},
    };
    std::cout << out.dump() << std::endl;
    exit_code = 0;
}

}  // namespace

int main(int argc, char** argv) {
    auto args = parse_args(argc, argv);
    net::io_context ioc(1);
    int exit_code = 1;
    net::co_spawn(ioc, run(ioc, args, exit_code), [&](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                std::cerr << "nchat-ws-load: " << ex.what() << "\n";
            }
        }
        ioc.stop();
    });
    ioc.run();
    return exit_code;
}
