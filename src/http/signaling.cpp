#include "http/signaling.hpp"

#include <cctype>

namespace nchat::http {

namespace {

constexpr std::string_view kExpose = "Location, ETag, Link, Accept-Post, Accept-Patch";

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    return true;
}

}  // namespace

void open_cors(Response& res) {
    res.set(bhttp::field::access_control_allow_origin, "*");
    res.set(bhttp::field::access_control_expose_headers, kExpose);
}

HttpError open_error(bhttp::status s, std::string code, std::string message, std::string field) {
    HttpError e(s, std::move(code), std::move(message), std::move(field));
    e.headers.emplace_back("Access-Control-Allow-Origin", "*");
    e.headers.emplace_back("Access-Control-Expose-Headers", std::string(kExpose));
    return e;
}

Response open_empty(const Request& req, bhttp::status s) {
    Response res{s, req.raw.version()};
    res.keep_alive(req.raw.keep_alive());
    open_cors(res);
    res.prepare_payload();
    return res;
}

Response open_preflight(const Request& req, std::string_view methods, bool accept_post) {
    auto res = open_empty(req, bhttp::status::no_content);
    res.set(bhttp::field::access_control_allow_methods, methods);
    res.set(bhttp::field::access_control_allow_headers, "Authorization, Content-Type, If-Match");
    res.set(bhttp::field::access_control_max_age, "86400");
    if (accept_post) res.set("Accept-Post", "application/sdp");
    return res;
}

std::string bearer_token(const Request& req) {
    const auto h = req.header(bhttp::field::authorization);
    if (!starts_with_ci(h, "bearer ")) return {};
    auto token = h.substr(7);
    while (!token.empty() && token.front() == ' ')
        token.remove_prefix(1);
    return std::string(token);
}

bool has_content_type(const Request& req, std::string_view type) {
    auto ct = req.header(bhttp::field::content_type);
    if (!starts_with_ci(ct, type)) return false;
    ct.remove_prefix(type.size());
    return ct.empty() || ct.front() == ';' || ct.front() == ' ';
}

void check_trickle_patch(const Request& req, std::string_view etag) {
    using S = bhttp::status;
    if (!has_content_type(req, "application/trickle-ice-sdpfrag"))
        throw open_error(S::unsupported_media_type, "unsupported_media_type",
                         "a PATCH carries application/trickle-ice-sdpfrag", "Content-Type");
    const auto if_match = req.header(bhttp::field::if_match);
    if (if_match.empty())
        throw open_error(S::precondition_required, "precondition_required",
                         "a PATCH needs If-Match with the session's ETag", "If-Match");
    if (if_match == "*" || req.raw.body().find("a=ice-ufrag:") != std::string::npos)
        throw open_error(S::unprocessable_entity, "unsupported",
                         "ICE restarts are not supported; start a new session");
    if (if_match != etag)
        throw open_error(S::precondition_failed, "precondition_failed",
                         "the ETag does not match this session", "If-Match");
}

}  // namespace nchat::http
