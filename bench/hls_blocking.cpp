// LL-HLS blocking-reload load (bench/hls_blocking.sh, docs/BENCHMARKS.md): N players, each on
// its own keep-alive connection, reload one media playlist the way hls.js does in low-latency
// mode: ask for the part named by the last PRELOAD-HINT (_HLS_msn/_HLS_part), and when the
// answer comes, ask for the next one. Every new part thus wakes all N held requests at once.
// For each part, the fan-out is the time from the first player's answer to the last one's.
//   nchat-hls-blocking HOST PORT PATH PLAYERS SECONDS
// Prints one line of JSON: answers, answers/s, errors, and the fan-out p50/p99/max (ms) over the
// parts every player saw, plus each answer's delay behind the part's first answer (p50/p99).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Totals {
    std::uint64_t answers = 0;
    std::uint64_t errors = 0;
    // (msn, part) of the awaited part -> arrival time of each player's answer
    std::map<std::pair<std::uint64_t, std::uint32_t>, std::vector<Clock::time_point>> arrivals;
};

// The part named by the playlist's PRELOAD-HINT: "part{msn}.{index}.m4s".
bool preload_hint(const std::string& body, std::uint64_t& msn, std::uint32_t& part) {
    constexpr std::string_view kHint = "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part";
    auto at = body.find(kHint);
    if (at == std::string::npos) return false;
    return std::sscanf(body.c_str() + at + kHint.size(), "%lu.%u", &msn, &part) == 2;
}

net::awaitable<void> player(
    tcp::endpoint ep, std::string host, std::string path, Clock::time_point until, Totals& totals) {
    auto ex = co_await net::this_coro::executor;
    tcp::socket s(ex);
    boost::system::error_code ec;
    co_await s.async_connect(ep, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
        ++totals.errors;
        co_return;
    }
    s.set_option(tcp::no_delay(true));
    std::string buf, body;
    bool blocking = false;
    std::uint64_t msn = 0;
    std::uint32_t part = 0;
    while (Clock::now() < until) {
        std::string target = path;
        if (blocking)
            target += "?_HLS_msn=" + std::to_string(msn) + "&_HLS_part=" + std::to_string(part);
        std::string req = "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
        co_await net::async_write(s, net::buffer(req), net::redirect_error(net::use_awaitable, ec));
        if (ec) break;
        auto n = co_await net::async_read_until(s, net::dynamic_buffer(buf), "\r\n\r\n",
                                                net::redirect_error(net::use_awaitable, ec));
        if (ec) break;
        std::string head = buf.substr(0, n);
        buf.erase(0, n);
        auto cl = head.find("Content-Length: ");
        if (head.compare(0, 12, "HTTP/1.1 200") != 0 || cl == std::string::npos) {
            ++totals.errors;
            break;
        }
        std::size_t len = std::stoul(head.substr(cl + 16));
        if (buf.size() < len) {
            co_await net::async_read(s, net::dynamic_buffer(buf),
                                     net::transfer_exactly(len - buf.size()),
                                     net::redirect_error(net::use_awaitable, ec));
            if (ec) break;
        }
        body.assign(buf, 0, len);
        buf.erase(0, len);
        auto now = Clock::now();
        if (blocking) {
            ++totals.answers;
            totals.arrivals[{msn, part}].push_back(now);
        }
        if (!preload_hint(body, msn, part)) {
            ++totals.errors;
            break;
        }
        blocking = true;
    }
}

double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: %s HOST PORT PATH PLAYERS SECONDS\n", argv[0]);
        return 2;
    }
    std::string host = argv[1];
    tcp::endpoint ep(net::ip::make_address(host), static_cast<unsigned short>(std::stoi(argv[2])));
    std::string path = argv[3];
    int players = std::stoi(argv[4]);
    auto seconds = std::chrono::seconds(std::stoi(argv[5]));
    net::io_context ioc(1);
    Totals totals;
    auto start = Clock::now();
    auto until = start + seconds;
    for (int i = 0; i < players; ++i) {
        net::co_spawn(ioc, player(ep, host, path, until, totals), net::detached);
    }
    ioc.run();
    auto elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    // Only parts every player waited for: the first and the last few are partial.
    std::vector<double> fanout, behind;
    for (const auto& [key, times] : totals.arrivals) {
        if (static_cast<int>(times.size()) < players) continue;
        auto [lo, hi] = std::minmax_element(times.begin(), times.end());
        fanout.push_back(std::chrono::duration<double, std::milli>(*hi - *lo).count());
        for (auto t : times)
            behind.push_back(std::chrono::duration<double, std::milli>(t - *lo).count());
    }
    std::printf(
        "{\"players\":%d,\"seconds\":%.1f,\"answers\":%lu,\"answers_per_s\":%.0f,\"errors\":%lu,"
        "\"parts\":%zu,\"fanout_ms\":{\"p50\":%.2f,\"p99\":%.2f,\"max\":%.2f},"
        "\"behind_first_ms\":{\"p50\":%.2f,\"p99\":%.2f}}\n",
        players, elapsed, totals.answers, static_cast<double>(totals.answers) / elapsed,
        totals.errors, fanout.size(), pct(fanout, 0.5), pct(fanout, 0.99), pct(fanout, 1.0),
        pct(behind, 0.5), pct(behind, 0.99));
    return 0;
}
