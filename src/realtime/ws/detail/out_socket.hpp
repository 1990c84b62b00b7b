#pragma once
// The layer under beast::websocket::stream. Reads go straight to the socket; every byte Beast
// itself would write (the handshake answer, pongs, the reply to a close) is handed to the
// session's outbound queue instead, so one writer owns the socket: the session writes whole
// pre-built frames, several per syscall, and Beast's few writes take their turn in the queue.
#include <cstddef>
#include <string>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/role.hpp>

namespace nchat::realtime::ws::detail {

namespace net = boost::asio;

// What the session offers the layer (on the session's strand).
class FrameSink {
public:
    // Bytes Beast wants on the wire, in order with the session's frames.
    virtual void write_control(std::string bytes) = 0;
    // Beast finished a closing handshake: nothing more is written after what is queued.
    virtual void teardown() = 0;

protected:
    ~FrameSink() = default;
};

class OutSocket {
public:
    using executor_type = net::any_io_executor;

    OutSocket(net::ip::tcp::socket socket, FrameSink& sink)
        : socket_(std::move(socket)), sink_(&sink) {}

    executor_type get_executor() noexcept { return socket_.get_executor(); }
    net::ip::tcp::socket& socket() { return socket_; }
    FrameSink& sink() { return *sink_; }

    template <class MutableBufferSequence, class ReadHandler>
    auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
        return socket_.async_read_some(buffers, std::forward<ReadHandler>(handler));
    }

    // Queued, never fails: completes (posted) with every byte "written".
    template <class ConstBufferSequence, class WriteHandler>
    auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
        std::string bytes(net::buffer_size(buffers), '\0');
        net::buffer_copy(net::buffer(bytes), buffers);
        std::size_t n = bytes.size();
        sink_->write_control(std::move(bytes));
        return net::async_initiate<WriteHandler, void(boost::system::error_code, std::size_t)>(
            [ex = socket_.get_executor(), n](auto h) {
                net::post(ex, boost::beast::bind_front_handler(std::move(h),
                                                               boost::system::error_code{}, n));
            },
            handler);
    }

private:
    net::ip::tcp::socket socket_;
    FrameSink* sink_;
};

// Beast closes the socket this way when one of its timeouts expires (none is set here).
inline void beast_close_socket(OutSocket& s) {
    boost::system::error_code ec;
    s.socket().close(ec);
}

// Beast's closing handshake ends with a teardown of the next layer (found by ADL). The
// session closes the socket itself once its queue is written.
inline void teardown(boost::beast::role_type, OutSocket& s, boost::system::error_code& ec) {
    s.sink().teardown();
    ec = {};
}

template <class TeardownHandler>
void async_teardown(boost::beast::role_type, OutSocket& s, TeardownHandler&& handler) {
    s.sink().teardown();
    net::post(s.get_executor(),
              boost::beast::bind_front_handler(std::forward<TeardownHandler>(handler),
                                               boost::system::error_code{}));
}

}  // namespace nchat::realtime::ws::detail
