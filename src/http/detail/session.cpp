#include "http/detail/session.hpp"

#include <charconv>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include "http/detail/dispatch.hpp"
#include "http/detail/server_core.hpp"
#include "http/detail/simple_get.hpp"
#include "util/time.hpp"

namespace nchat::http::detail {
namespace {

using namespace std::chrono_literals;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadChunk = 16 * 1024;
// The tcp_stream deadline behind our own request deadline, in case the 408 path stalls.
constexpr auto kBackstop = 5s;
constexpr auto kMinWriteTimeout = 60s;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

const std::string& http_date_now() {
    // Date is required (RFC 9110 §6.6.1) but changes once a second: format it that often.
    thread_local std::int64_t cached_second = -1;
    thread_local std::string cached;
    auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    if (now.time_since_epoch().count() != cached_second) {
        cached_second = now.time_since_epoch().count();
        cached =
            util::format_http_date(std::chrono::time_point_cast<std::chrono::milliseconds>(now));
    }
    return cached;
}

std::string peer_address(const net::ip::tcp::socket& socket) {
    error_code ec;
    auto ep = socket.remote_endpoint(ec);
    return ec ? std::string() : ep.address().to_string();
}

std::string format_peer(const net::ip::tcp::socket& socket, const std::string& address) {
    error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (ec || address.empty()) return "unknown";
    return (ep.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(ep.port());
}

// RFC 9112 §6.3: a request whose Transfer-Encoding does not end in chunked has no length we
// can trust, and one with both Transfer-Encoding and Content-Length is how requests are
// smuggled past a proxy that reads the other one. Either is a 400 and the connection closes.
bool framing_ok(const RawRequest& req, bool chunked) {
    bool has_te = req.find(bhttp::field::transfer_encoding) != req.end();
    if (!has_te) return true;
    return chunked && req.find(bhttp::field::content_length) == req.end();
}

bool expects_continue(const RawRequest& req) {
    auto it = req.find(bhttp::field::expect);
    return it != req.end() && req.version() >= 11 &&
           boost::beast::iequals(it->value(), "100-continue");
}

}  // namespace

Session::Session(net::ip::tcp::socket socket, std::shared_ptr<ServerCore> core)
    : executor_(socket.get_executor()),
      stream_(std::move(socket)),
      deadline_(stream_.get_executor()),
      core_(std::move(core)),
      address_(peer_address(stream_.socket())),
      peer_(format_peer(stream_.socket(), address_)) {}

Session::~Session() {
    core_->remove_session(id_);
}

void Session::start(net::ip::tcp::socket socket, std::shared_ptr<ServerCore> core) {
    auto ex = socket.get_executor();
    auto s = std::make_shared<Session>(std::move(socket), core);
    if (!core->add_session(s, s->id_)) {
        core->reject(Reject::too_many_connections, s->peer_, "max_connections reached");
        net::co_spawn(
            ex, [s]() { return s->refuse("too many connections"); }, net::detached);
        return;
    }
    auto slot = core->per_address.acquire(s->address_);
    if (!slot.ok) {
        core->reject(Reject::too_many_from_address, s->peer_,
                     "max_connections_per_address reached");
        net::co_spawn(
            ex, [s]() { return s->refuse("too many connections from your address"); },
            net::detached);
        return;
    }
    s->address_slot_ = std::move(slot.slot);
    if (core->stopping.load()) {
        s->force_close();  // accepted while stopping: the loop sees the closed socket
    }
    net::co_spawn(
        ex, [s]() { return s->run(); }, net::detached);
}

void Session::on_stop() {
    if (state_ == State::busy) return;  // its response will say Connection: close
    error_code ec;
    stream_.socket().cancel(ec);
}

void Session::force_close() {
    state_ = State::closing;
    deadline_.cancel();
    stream_.close();
}

net::awaitable<void> Session::run() {
    try {
        for (;;) {
            if (buffer_.size() == 0 && !co_await read_idle()) break;
            if (core_->router.has_fast()) {
                auto fast = co_await serve_fast();
                if (fast == Fast::closed) break;
                if (fast == Fast::answered) {
                    first_ = false;
                    continue;
                }
            }
            Parser parser;
            parser.header_limit(static_cast<std::uint32_t>(core_->opts.max_header_bytes));
            parser.body_limit(core_->opts.max_body_bytes);
            auto r = co_await read_request(parser);
            if (r == ReadResult::closed) break;
            if (r != ReadResult::complete) {
                co_await reject(r, parser);
                co_return;
            }
            auto start = Clock::now();
            auto& req = parser.get();
            auto out = co_await dispatch(*core_, req, peer_);
            auto method = req.method();
            auto target = req.target().substr(0, req.target().find('?'));
            if (out.upgrade && buffer_.size() > 0) {
                // Bytes after an upgrade request, before our 101: not a client we can hand on.
                co_await reject(ReadResult::bad, parser);
                co_return;
            }
            if (out.upgrade) {
                log_access(req.method_string(), target, 101, 0, start);
                state_ = State::closing;
                Upgrade up{std::move(stream_), parser.release(), std::move(out.params), peer_,
                           std::move(address_slot_)};
                (*out.upgrade)(std::move(up));
                co_return;
            }
            bool head = method == bhttp::verb::head;
            bool keep = out.res.keep_alive() && req.keep_alive() && !core_->stopping.load();
            finish_headers(out.res, keep);
            // A HEAD answered from a file keeps the GET's Content-Length with an empty body.
            if (!(head && out.res.body().size() == 0 && out.res.has_content_length())) {
                out.res.prepare_payload();
            }
            // Counted before the write: a client that has its answer sees it counted.
            auto status = out.res.result_int();
            metrics_cache_.record(core_->metrics, out.route, method, status,
                                  std::chrono::duration<double>(Clock::now() - start).count());
            bool ok = co_await write(out.res, head);
            log_access(req.method_string(), target, status, head ? 0 : out.res.body().size(),
                       start);
            if (!ok || !keep) break;
            first_ = false;
        }
    } catch (const std::exception& e) {
        core_->log->error("peer={} session failed: {}", peer_, e.what());
    }
    state_ = State::closing;
    error_code ec;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
    stream_.close();
}

net::awaitable<bool> Session::read_idle() {
    // Between requests: wait for the first byte under the idle deadline, quietly.
    state_ = State::reading_idle;
    if (core_->stopping.load()) co_return false;
    stream_.expires_after(first_ ? core_->opts.read_timeout : core_->opts.idle_timeout);
    error_code ec;
    auto n = co_await stream_.async_read_some(buffer_.prepare(kReadChunk),
                                              net::redirect_error(net::use_awaitable, ec));
    buffer_.commit(n);
    co_return !ec;
}

net::awaitable<Session::Fast> Session::serve_fast() {
    auto data = buffer_.data();
    auto get =
        parse_simple_get(std::string_view(static_cast<const char*>(data.data()), data.size()),
                         core_->opts.max_header_bytes);
    if (!get) co_return Fast::declined;
    // Views into buffer_, which stays as it is until the answer is written.
    auto qpos = get->target.find('?');
    auto path = get->target.substr(0, qpos);
    auto query = qpos == std::string_view::npos ? std::string_view{} : get->target.substr(qpos + 1);
    const auto* route = core_->router.fast(path);
    // An allowed Origin gets the API's CORS headers: the Router's job.
    if (!route || !core_->cors.allowed_origin(get->origin).empty()) co_return Fast::declined;
    auto start = Clock::now();
    FastAnswer answer;
    if (!route->handler(path, query, answer)) co_return Fast::declined;

    state_ = State::busy;
    const bool keep = get->keep_alive && !core_->stopping.load();
    std::size_t body_size = 0;
    for (const auto& b : answer.body)
        body_size += b.size();
    // The headers of the ordinary path, in its order (hls/origin.cpp, finish_headers).
    char length[24];
    auto [end, ec] = std::to_chars(length, length + sizeof length, body_size);
    auto& h = fast_head_;
    h.clear();
    h += "HTTP/1.1 200 OK\r\nContent-Type: ";
    h += answer.content_type;
    h += "\r\nCache-Control: ";
    h += answer.cache_control;
    h += "\r\nAccess-Control-Allow-Origin: *\r\nServer: nchat-live\r\nDate: ";
    h += http_date_now();
    h += keep ? "\r\nContent-Length: " : "\r\nConnection: close\r\nContent-Length: ";
    h.append(length, end);
    h += "\r\n\r\n";
    metrics_cache_.record(core_->metrics, route->route, bhttp::verb::get, 200,
                          std::chrono::duration<double>(Clock::now() - start).count());
    bool ok = co_await write_fast(answer);
    log_access("GET", path, 200, body_size, start);
    buffer_.consume(get->size);
    co_return ok&& keep ? Fast::answered : Fast::closed;
}

net::awaitable<bool> Session::write_fast(const FastAnswer& answer) {
    boost::container::small_vector<net::const_buffer, 9> buffers;
    buffers.push_back(net::buffer(fast_head_));
    buffers.insert(buffers.end(), answer.body.begin(), answer.body.end());
    // Usually the socket takes it all at once, with no asynchronous operation to set up.
    auto& socket = stream_.socket();
    error_code ec;
    if (!socket.non_blocking()) socket.non_blocking(true, ec);
    std::size_t sent = ec ? 0 : socket.write_some(buffers, ec);
    if (!ec && sent == net::buffer_size(buffers)) co_return true;
    if (ec && ec != net::error::would_block && ec != net::error::try_again) co_return false;
    boost::beast::buffers_suffix<decltype(buffers)> rest(buffers);
    rest.consume(sent);
    stream_.expires_after(
        std::max<std::chrono::milliseconds>(core_->opts.read_timeout, kMinWriteTimeout));
    co_await net::async_write(stream_, rest, net::redirect_error(net::use_awaitable, ec));
    co_return !ec;
}

net::awaitable<Session::ReadResult> Session::read_request(Parser& parser) {
    timed_out_ = false;
    if (buffer_.size() == 0 && !co_await read_idle()) co_return ReadResult::closed;
    state_ = State::busy;
    auto deadline = Clock::now() + core_->opts.read_timeout;
    bool header_done = false;
    ReadResult result = ReadResult::complete;
    for (;;) {
        if (buffer_.size() > 0) {
            error_code ec;
            auto used = parser.put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec == bhttp::error::header_limit) {
                result = ReadResult::header_too_large;
                break;
            }
            if (ec == bhttp::error::body_limit) {
                result = ReadResult::body_too_large;
                break;
            }
            if (ec && ec != bhttp::error::need_more) {
                result = ReadResult::bad;
                break;
            }
            if (!ec && parser.is_header_done() && !framing_ok(parser.get(), parser.chunked())) {
                result = ReadResult::bad_framing;
                break;
            }
            if (!ec && parser.is_done()) break;
            if (!ec && !header_done && parser.is_header_done()) {
                header_done = true;
                parser.eager(true);
                if (expects_continue(parser.get()) && buffer_.size() == 0) {
                    // RFC 9110 §10.1.1: the client waits for this before sending the body.
                    stream_.expires_after(core_->opts.read_timeout);
                    co_await net::async_write(stream_, net::buffer(kContinue),
                                              net::redirect_error(net::use_awaitable, ec));
                    if (ec) {
                        result = ReadResult::closed;
                        break;
                    }
                }
                continue;
            }
            if (!ec && used > 0 && buffer_.size() > 0) continue;
        }
        if (!co_await read_more(deadline)) {
            result = timed_out_ ? ReadResult::timeout : ReadResult::closed;
            break;
        }
    }
    if (deadline_armed_) {
        deadline_armed_ = false;
        deadline_.cancel();
    }
    co_return result;
}

net::awaitable<bool> Session::read_more(Clock::time_point deadline) {
    if (!deadline_armed_) {
        // Our own timer (not the tcp_stream's, which closes the socket) so a slow request can
        // still get its 408.
        deadline_armed_ = true;
        deadline_.expires_at(deadline);
        deadline_.async_wait([w = weak_from_this(), gen = ++deadline_gen_](error_code ec) {
            if (ec) return;
            auto s = w.lock();
            if (!s || !s->deadline_armed_ || s->deadline_gen_ != gen) return;
            s->timed_out_ = true;
            error_code ignored;
            s->stream_.socket().cancel(ignored);
        });
    }
    stream_.expires_at(deadline + kBackstop);
    error_code ec;
    auto n = co_await stream_.async_read_some(buffer_.prepare(kReadChunk),
                                              net::redirect_error(net::use_awaitable, ec));
    buffer_.commit(n);
    co_return !ec;
}

net::awaitable<bool> Session::write(Response& res, bool head_only) {
    stream_.expires_after(
        std::max<std::chrono::milliseconds>(core_->opts.read_timeout, kMinWriteTimeout));
    bhttp::response_serializer<Body> sr(res);
    error_code ec;
    if (head_only) {
        co_await bhttp::async_write_header(stream_, sr,
                                           net::redirect_error(net::use_awaitable, ec));
    } else {
        co_await bhttp::async_write(stream_, sr, net::redirect_error(net::use_awaitable, ec));
    }
    co_return !ec;
}

void Session::finish_headers(Response& res, bool keep_alive) {
    res.set(bhttp::field::server, "nchat-live");
    res.set(bhttp::field::date, http_date_now());
    res.keep_alive(keep_alive);
}

void Session::log_access(std::string_view method,
                         std::string_view target,
                         unsigned status,
                         std::size_t bytes,
                         Clock::time_point start) {
    // The path only: a query may carry a token, and no header or body is ever logged.
    if (!core_->access->should_log(spdlog::level::info)) return;
    auto ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    core_->access->info("peer={} \"{} {}\" {} {}B {:.2f}ms", peer_, method, target, status, bytes,
                        ms);
}

}  // namespace nchat::http::detail
