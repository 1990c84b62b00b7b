#pragma once
// CORS for the configured origins (Fetch standard, "CORS protocol"). Exact origins, or "*" for
// any; the allowed origin is echoed back, never "*", so credentials would work.
#include <string>
#include <string_view>
#include <vector>

#include "http/router.hpp"

namespace nchat::http::detail {

class Cors {
public:
    explicit Cors(std::vector<std::string> origins);

    // The request's Origin when it is allowed, else empty.
    std::string_view allowed_origin(const RawRequest& req) const;
    // `origin` (an Origin header's value) when it is allowed, else empty.
    std::string_view allowed_origin(std::string_view origin) const;
    // An OPTIONS request with Origin and Access-Control-Request-Method.
    static bool is_preflight(const RawRequest& req);
    // 204 with the Allow-Methods/Headers and Max-Age for an allowed preflight.
    static Response preflight_response(const RawRequest& req, std::string_view origin);
    // Allow-Origin, Vary and Expose-Headers on an ordinary response.
    static void add_headers(Response& res, std::string_view origin);

private:
    std::vector<std::string> origins_;
    bool any_ = false;
};

}  // namespace nchat::http::detail
