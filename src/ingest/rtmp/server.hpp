#pragma once
// The RTMP ingest listener (issue #4). One coroutine session per connection: handshake,
// chunk stream, command phase, then media into the LiveStream the authorizer grants.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "ingest/publish.hpp"
#include "live/live_stream.hpp"

namespace prometheus {
class Registry;
}

namespace nchat::ingest::rtmp {

using ingest::PublishAuthorizer;
using ingest::PublishGrant;
using ingest::PublishRefusal;

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 1935;
    // The whole handshake (C0C1 in, S0S1S2 out, C2 in: 3 KiB each way) within this; a few
    // round trips even on a poor uplink.
    std::chrono::milliseconds handshake_timeout{5'000};
    // From the connection to an accepted publish (connect, createStream, publish and the key's
    // check): a stranger holds a slot at most this long.
    std::chrono::milliseconds publish_timeout{10'000};
    std::chrono::milliseconds idle_timeout{30'000};  // no bytes from a publisher for this long
    std::size_t max_connections = 1000;
    // Connections one remote address may hold at once (0 = no limit; 127.0.0.1 and ::1 are not
    // counted): an encoder needs one, a studio behind one NAT a few.
    std::size_t max_connections_per_address = 16;
    // Where each publisher's session runs (an io_context of the pool, serve.cpp); empty: a strand
    // of the server's io_context. The stream it publishes is packaged on the same executor.
    std::function<boost::asio::any_io_executor()> connection_executor;
};

class Server {
public:
    Server(boost::asio::io_context& ioc,
           ServerOptions opts,
           PublishAuthorizer& auth,
           prometheus::Registry& metrics);
    ~Server();
    void start();  // throws std::system_error when the address is taken
    std::uint16_t port() const;
    void stop();  // closes the listener and every session

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace nchat::ingest::rtmp
