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

#include "live/live_stream.hpp"

namespace prometheus {
class Registry;
}

namespace nchat::ingest::rtmp {

struct PublishGrant {
    std::string stream_id;
    std::shared_ptr<live::LiveStream> stream;
};
struct PublishRefusal {
    std::string code;         // NetStream.Publish.BadName, .Rejected, ...
    std::string description;  // shown by the encoder; never contains the key
};

// The app's answer to "may this key publish?" (store lookup, state check, claim).
class PublishAuthorizer {
public:
    virtual ~PublishAuthorizer() = default;
    virtual boost::asio::awaitable<std::variant<PublishGrant, PublishRefusal>> authorize(
        std::string key, std::uint64_t publisher, std::string peer) = 0;
    virtual void unpublished(const std::string& stream_id, std::uint64_t publisher) = 0;
};

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 1935;
    std::chrono::milliseconds handshake_timeout{10'000};
    std::chrono::milliseconds idle_timeout{30'000};  // no bytes from a publisher for this long
    std::size_t max_connections = 1000;
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
