#pragma once
// One complete request to its response: path decoding, CORS preflight, routing (404/405),
// the handler coroutine with its errors turned into JSON, static files.
#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/router.hpp"

namespace nchat::http::detail {

class ServerCore;

struct Outcome {
    Response res;
    std::string route;                        // metrics label: a pattern, "static", "unmatched"
    const UpgradeHandler* upgrade = nullptr;  // set: hand the connection over, `res` is unused
    std::map<std::string, std::string, std::less<>> params;  // for `upgrade`
};

// On the session strand.
net::awaitable<Outcome> dispatch(ServerCore& core, const RawRequest& req, const std::string& peer);

}  // namespace nchat::http::detail
