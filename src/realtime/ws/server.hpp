#pragma once
// GET /api/realtime: the WebSocket endpoint (docs/realtime.md). Takes the sockets the HTTP
// server hands over (http::Router::add_upgrade), runs one session per connection on a shard of
// the hub, and owns them from then on: deadlines, heartbeats, limits, shutdown, counting.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "auth/permissions.hpp"
#include "http/router.hpp"

namespace nchat::realtime {
class Hub;
class Service;
}  // namespace nchat::realtime

namespace nchat::realtime::ws {

// The value of an Authorization header ("Bearer …") → who it is; nullopt for an empty header;
// throws (any std::exception, its message shown to the client) when it does not authenticate.
// Injected by the app: the realtime module must not depend on the api module.
using Authenticator =
    std::function<boost::asio::awaitable<std::optional<auth::Principal>>(std::string)>;

// Deadlines are checked on the hub's tick (about once a second), so they are that coarse.
struct Options {
    std::chrono::milliseconds ping_interval{20'000};  // a silent connection is pinged after this
    std::chrono::milliseconds ping_timeout{20'000};   // and dropped when nothing comes back
    std::chrono::milliseconds auth_timeout{30'000};   // neither authenticated nor subscribed
    std::chrono::milliseconds slow_timeout{10'000};   // dropping events this long: closed (1013)
    std::size_t max_connections = 20'000;
    std::size_t max_message_bytes = 16 * 1024;
    std::size_t max_queued_bytes = 512 * 1024;  // per connection, unsent
    std::size_t max_queued_frames = 4096;
};

struct Stats {
    std::uint64_t accepted = 0;
    std::uint64_t rejected = 0;  // over max_connections, stopping, or a bad token
    std::int64_t open = 0;
};

class Server {
public:
    // `service` may be null (tests of the transport): rooms are then open to anyone and every
    // chat action, and resume, answers unavailable.
    Server(Hub& hub, Service* service, Authenticator authenticate, Options opts);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // For router.add_upgrade("/api/realtime", …). The Server must outlive the router's use.
    http::UpgradeHandler upgrade_handler();

    // Graceful stop: new upgrades are refused, every session is closed with 1001; `done` runs
    // (on some thread) when none is left, or when `deadline` passes (the rest are dropped).
    void stop(std::chrono::milliseconds deadline, std::function<void()> done);

    Stats stats() const;

    struct Context;

private:
    std::shared_ptr<Context> ctx_;
};

}  // namespace nchat::realtime::ws
