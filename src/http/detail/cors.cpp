#include "http/detail/cors.hpp"

#include <algorithm>

namespace nchat::http::detail {

Cors::Cors(std::vector<std::string> origins) : origins_(std::move(origins)) {
    any_ = std::find(origins_.begin(), origins_.end(), "*") != origins_.end();
}

std::string_view Cors::allowed_origin(const RawRequest& req) const {
    if (origins_.empty()) return {};
    auto it = req.find(bhttp::field::origin);
    if (it == req.end()) return {};
    return allowed_origin(std::string_view(it->value()));
}

std::string_view Cors::allowed_origin(std::string_view origin) const {
    if (origins_.empty() || origin.empty()) return {};
    if (any_) return origin;
    for (const auto& o : origins_) {
        if (o == origin) return origin;
    }
    return {};
}

bool Cors::is_preflight(const RawRequest& req) {
    return req.method() == bhttp::verb::options && req.count(bhttp::field::origin) > 0 &&
           req.count(bhttp::field::access_control_request_method) > 0;
}

Response Cors::preflight_response(const RawRequest& req, std::string_view origin) {
    Response res{bhttp::status::no_content, req.version()};
    res.set(bhttp::field::access_control_allow_origin, origin);
    res.set(bhttp::field::vary, "Origin");
    res.set(bhttp::field::access_control_allow_methods,
            "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    res.set(bhttp::field::access_control_allow_headers, "Authorization, Content-Type");
    res.set(bhttp::field::access_control_max_age, "600");
    res.keep_alive(req.keep_alive());
    return res;
}

void Cors::add_headers(Response& res, std::string_view origin) {
    res.set(bhttp::field::access_control_allow_origin, origin);
    auto vary = res.find(bhttp::field::vary);
    if (vary == res.end() || vary->value().empty()) {
        res.set(bhttp::field::vary, "Origin");
    } else {
        res.set(bhttp::field::vary, std::string(vary->value()) + ", Origin");
    }
    res.set(bhttp::field::access_control_expose_headers, "Retry-After, ETag, Location");
}

}  // namespace nchat::http::detail
