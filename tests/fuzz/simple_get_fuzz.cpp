// The fast path's request recogniser (http/detail/simple_get.hpp) sees every byte a client
// sends first. It may decline anything, but what it takes, Beast's full parser must take too,
// as the same GET of the same target with the same keep-alive: the fast path never accepts a
// request the ordinary one would refuse or read differently.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/beast/http.hpp>

#include "http/detail/simple_get.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace bhttp = boost::beast::http;
    if (size > 32 * 1024) return 0;
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    constexpr std::size_t kMaxHead = 16 * 1024;
    auto get = nchat::http::detail::parse_simple_get(bytes, kMaxHead);
    if (!get) return 0;
    if (get->size > bytes.size() || get->size > kMaxHead) __builtin_trap();

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kMaxHead);
    parser.eager(true);
    boost::beast::error_code ec;
    auto used = parser.put(boost::asio::buffer(bytes.data(), get->size), ec);
    if (ec || !parser.is_done() || used != get->size) __builtin_trap();
    const auto& req = parser.get();
    if (req.method() != bhttp::verb::get || req.version() != 11) __builtin_trap();
    if (std::string_view(req.target()) != get->target) __builtin_trap();
    if (req.keep_alive() != get->keep_alive) __builtin_trap();
    if (req.has_content_length() && *req.payload_size() != 0) __builtin_trap();
    return 0;
}
