// The session's refusals: error answers before routing (400, 408, 413, 431, 503) and the
// lingering close after them.
#include <array>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/detail/server_core.hpp"
#include "http/detail/session.hpp"

namespace nchat::http::detail {
namespace {

using namespace std::chrono_literals;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

// After an error answer we read and discard what the client still sends, so that closing
// with unread data (a TCP RST) does not destroy the answer before the client reads it.
constexpr std::size_t kMaxLingerBytes = 1024 * 1024;
constexpr auto kMaxLinger = 2s;

}  // namespace

net::awaitable<void> Session::reject(ReadResult r, Parser& parser) {
    struct Answer {
        Reject reason;
        bhttp::status status;
        std::string_view code;
        std::string_view message;
    };
    Answer a{Reject::bad_request, bhttp::status::bad_request, "bad_request", "malformed request"};
    if (r == ReadResult::header_too_large) {
        a = {Reject::header_too_large, bhttp::status::request_header_fields_too_large,
             "header_too_large", "request header too large"};
    } else if (r == ReadResult::body_too_large) {
        a = {Reject::body_too_large, bhttp::status::payload_too_large, "body_too_large",
             "request body too large"};
    } else if (r == ReadResult::bad_framing) {
        a = {Reject::bad_framing, bhttp::status::bad_request, "bad_request",
             "Transfer-Encoding must end with chunked and come without Content-Length"};
    } else if (r == ReadResult::timeout) {
        a = {Reject::timeout, bhttp::status::request_timeout, "timeout",
             "request not received in time"};
    }
    auto start = Clock::now();
    core_->reject(a.reason, peer_, a.message);
    RawRequest none;
    none.version(11);
    auto res = error_response(none, a.status, a.code, a.message);
    finish_headers(res, false);
    bool ok = co_await write(res, false);
    bool known = parser.is_header_done();
    log_access(known ? parser.get().method_string() : "-",
               known ? parser.get().target().substr(0, parser.get().target().find('?')) : "-",
               res.result_int(), res.body().size(), start);
    if (ok) co_await linger_close();
    stream_.close();
}

net::awaitable<void> Session::refuse(std::string_view why) {
    RawRequest none;
    none.version(11);
    auto res = error_response(none, bhttp::status::service_unavailable, "unavailable", why);
    res.set(bhttp::field::retry_after, "1");
    finish_headers(res, false);
    if (co_await write(res, false)) co_await linger_close();
    stream_.close();
}

net::awaitable<void> Session::linger_close() {
    state_ = State::closing;
    if (core_->stopping.load()) co_return;
    error_code ec;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
    stream_.expires_after(
        std::min<std::chrono::milliseconds>(core_->opts.read_timeout, kMaxLinger));
    std::array<char, 4096> sink;
    std::size_t drained = 0;
    while (!ec && drained < kMaxLingerBytes) {
        drained += co_await stream_.async_read_some(net::buffer(sink),
                                                    net::redirect_error(net::use_awaitable, ec));
    }
}

}  // namespace nchat::http::detail
