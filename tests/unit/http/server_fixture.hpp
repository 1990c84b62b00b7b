#pragma once
// A real Server on 127.0.0.1:0, its io_context run by two threads, and a blocking client
// (raw socket writes, Beast sync reads).
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "http/router.hpp"
#include "http/server.hpp"

namespace nchat::http::test {

using tcp = net::ip::tcp;
using ClientResponse = bhttp::response<bhttp::string_body>;

class ServerFixture : public ::testing::Test {
protected:
    // Routes go into router_ before this.
    void start_server(ServerOptions o = {}) {
        o.host = "127.0.0.1";
        o.port = 0;
        server_ = std::make_unique<Server>(ioc_, std::move(o), router_, registry_);
        server_->start();
        for (int i = 0; i < 2; ++i)
            threads_.emplace_back([this] { ioc_.run(); });
    }

    // Graceful stop; waits for `done`.
    void stop_server(std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
        if (!server_ || stopped_) return;
        stopped_ = true;
        std::promise<void> done;
        server_->stop(deadline, [&done] { done.set_value(); });
        done.get_future().wait();
    }

    void TearDown() override {
        stop_server();
        guard_.reset();
        ioc_.stop();
        for (auto& t : threads_)
            t.join();
        server_.reset();
    }

    tcp::socket connect() {
        tcp::socket s(client_ioc_);
        s.connect({net::ip::make_address("127.0.0.1"), server_->port()});
        return s;
    }

    // From another loopback address (all of 127/8 is the host's): a peer the per-address limit
    // counts, unlike 127.0.0.1.
    tcp::socket connect_from(std::string_view source) {
        tcp::socket s(client_ioc_);
        s.open(tcp::v4());
        s.bind({net::ip::make_address(source), 0});
        s.connect({net::ip::make_address("127.0.0.1"), server_->port()});
        return s;
    }

    static void send(tcp::socket& s, std::string_view bytes) { net::write(s, net::buffer(bytes)); }

    static ClientResponse read_response(tcp::socket& s,
                                        boost::beast::flat_buffer& buf,
                                        bool head = false) {
        bhttp::response_parser<bhttp::string_body> p;
        p.body_limit(16 * 1024 * 1024);
        p.skip(head);
        bhttp::read(s, buf, p);
        return p.release();
    }

    // One request on a fresh connection.
    ClientResponse roundtrip(std::string_view bytes, bool head = false) {
        auto s = connect();
        send(s, bytes);
        boost::beast::flat_buffer buf;
        return read_response(s, buf, head);
    }

    // True when the server closed the connection (read gives EOF, not data).
    static bool closed_by_server(tcp::socket& s, boost::beast::flat_buffer& buf) {
        if (buf.size() > 0) return false;
        char c;
        boost::system::error_code ec;
        s.read_some(net::buffer(&c, 1), ec);
        return ec == net::error::eof || ec == net::error::connection_reset;
    }

    net::io_context ioc_{2};
    net::executor_work_guard<net::io_context::executor_type> guard_{ioc_.get_executor()};
    net::io_context client_ioc_;
    Router router_;
    prometheus::Registry registry_;
    std::unique_ptr<Server> server_;
    std::vector<std::thread> threads_;
    bool stopped_ = false;
};

}  // namespace nchat::http::test
