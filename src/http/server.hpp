#pragma once
// The HTTP listener and its sessions (Boost.Beast, C++20 coroutines). Keep-alive, request size
// and header limits answered with 413/431 (never a dropped connection), read and idle
// deadlines, CORS for configured origins, static files from a web root, one access-log line
// per request, Prometheus counters, graceful stop.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>

namespace prometheus {
class Registry;
}

namespace nchat::http {

class Router;

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;  // 0 = any free port
    std::size_t max_body_bytes = 64 * 1024;
    std::size_t max_header_bytes = 16 * 1024;
    std::chrono::milliseconds read_timeout{30'000};  // a request must arrive whole in this time
    std::chrono::milliseconds idle_timeout{60'000};  // keep-alive connection with no request
    std::size_t max_connections = 20'000;
    // Connections one remote address may hold at once, WebSocket ones included (0 = no limit;
    // the host's own 127.0.0.1 and ::1, where a local edge proxy connects from, are not counted).
    std::size_t max_connections_per_address = 1000;
    std::vector<std::string> cors_origins;  // "*" allows any origin
    std::string web_root;                   // empty: no static files
    // Where each new connection runs (an io_context of the pool, serve.cpp); empty: a strand of
    // the server's io_context.
    std::function<boost::asio::any_io_executor()> connection_executor;
};

class Server {
public:
    Server(boost::asio::io_context& ioc,
           ServerOptions opts,
           const Router& router,
           prometheus::Registry& metrics);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and starts accepting; throws std::system_error when the address is taken.
    void start();
    std::uint16_t port() const;
    // Graceful stop: stop accepting, close idle keep-alive connections, let in-flight requests
    // finish (their responses carry Connection: close); `done` runs when no session is left or
    // when `deadline` passes (then the rest are closed).
    void stop(std::chrono::milliseconds deadline, std::function<void()> done);

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace nchat::http
