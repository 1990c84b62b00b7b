#pragma once
// One HTTP/1.1 connection: a coroutine that reads a request, answers it, and loops while the
// connection is kept alive (the Beast 1.74 coroutine examples' shape). Kept alive by its
// pending operations; the server's registry holds only a weak_ptr.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include "http/detail/metrics.hpp"
#include "http/router.hpp"

namespace nchat::http::detail {

class ServerCore;

class Session : public std::enable_shared_from_this<Session> {
public:
    // `socket`'s executor orders the connection's work: a single-thread io_context of the pool
    // (or a strand when the server was given none).
    Session(net::ip::tcp::socket socket, std::shared_ptr<ServerCore> core);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Registers with the server and spawns run() on the connection's executor; beyond
    // max_connections answers 503 and closes instead.
    static void start(net::ip::tcp::socket socket, std::shared_ptr<ServerCore> core);

    // The connection's strand, still valid after an upgrade moved the stream away.
    const net::any_io_executor& executor() const { return executor_; }

    // on session strand: the server is stopping; an idle connection closes now, a busy one
    // after its response (which says Connection: close).
    void on_stop();
    // on session strand: the stop deadline passed.
    void force_close();

private:
    using Parser = bhttp::request_parser<bhttp::string_body>;
    enum class State { reading_idle, busy, closing };
    enum class ReadResult {
        complete,
        closed,
        header_too_large,
        body_too_large,
        bad,
        bad_framing,  // a Transfer-Encoding that does not end in chunked (RFC 9112 §6.3)
        timeout
    };
    enum class Fast { declined, answered, closed };

    net::awaitable<void> run();
    // 503 and close: over max_connections, or over the per-address cap.
    net::awaitable<void> refuse(std::string_view why);
    // Waits for the first bytes of the next request under the idle deadline; false: closed.
    net::awaitable<bool> read_idle();
    net::awaitable<ReadResult> read_request(Parser& parser);
    // The request at the front of the buffer through the fast path (http/fast_get.hpp).
    net::awaitable<Fast> serve_fast();
    net::awaitable<bool> write_fast(const FastAnswer& answer);
    net::awaitable<bool> read_more(std::chrono::steady_clock::time_point deadline);
    net::awaitable<bool> write(Response& res, bool head_only);
    net::awaitable<void> reject(ReadResult r, Parser& parser);
    net::awaitable<void> linger_close();
    void finish_headers(Response& res, bool keep_alive);
    void log_access(std::string_view method,
                    std::string_view target,
                    unsigned status,
                    std::size_t bytes,
                    std::chrono::steady_clock::time_point start);

    net::any_io_executor executor_;
    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;  // reused across the connection's requests
    net::steady_timer deadline_;        // a request in progress; cancels the read for a 408
    std::shared_ptr<ServerCore> core_;
    std::string address_;  // the peer's address without its port
    std::string peer_;
    std::shared_ptr<void> address_slot_;  // our place in core_->per_address
    std::uint64_t id_ = 0;
    State state_ = State::reading_idle;
    bool deadline_armed_ = false;
    std::uint64_t deadline_gen_ = 0;  // tells a stale expiry from the current request's
    bool timed_out_ = false;
    bool first_ = true;
    RequestMetricsCache metrics_cache_;
    std::string fast_head_;  // the fast path's response head, its capacity reused
};

}  // namespace nchat::http::detail
