#pragma once
// The fast path for hot GETs answered from memory: LL-HLS playlists and parts, which every player
// fetches several times a second. A request of the narrowest shape (detail/simple_get.hpp) whose
// path has a fast handler is answered on the connection's thread with no parser object, no
// router match, no coroutine of its own and one sendmsg. Anything the handler cannot answer
// at once with a 200 (a blocking reload, a hinted part, a 404) goes the ordinary way, through
// Beast and the Router, with the same bytes.
#include <functional>
#include <memory>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/container/small_vector.hpp>

namespace nchat::http {

struct FastAnswer {
    // A 200 with these headers; both must outlive the write (string literals).
    std::string_view content_type;
    std::string_view cache_control;
    std::shared_ptr<const void> owner;  // keeps `body` alive until it is written
    boost::container::small_vector<boost::asio::const_buffer, 8> body;
};

// On the connection's thread; must neither block nor wait. `path` and `query` are raw (the path
// holds no '%'). False leaves the request to the Router.
using FastHandler =
    std::function<bool(std::string_view path, std::string_view query, FastAnswer& out)>;

}  // namespace nchat::http
