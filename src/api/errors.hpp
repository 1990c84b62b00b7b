#pragma once
// The API's errors, one constructor per status (DESIGN.md, Interfaces).
#include <string>

#include "http/router.hpp"

namespace nchat::api {

using http::HttpError;
using Status = http::bhttp::status;

inline HttpError bad_request(std::string message, std::string field = {}) {
    return {Status::bad_request, "validation_failed", std::move(message), std::move(field)};
}
inline HttpError unauthorized(std::string message) {
    HttpError e{Status::unauthorized, "unauthorized", std::move(message)};
    e.headers.emplace_back("WWW-Authenticate", "Bearer");
    return e;
}
inline HttpError forbidden(std::string message) {
    return {Status::forbidden, "forbidden", std::move(message)};
}
inline HttpError not_found(std::string message) {
    return {Status::not_found, "not_found", std::move(message)};
}
inline HttpError wrong_state(std::string message) {
    return {Status::conflict, "wrong_state", std::move(message)};
}
inline HttpError conflict(std::string message) {
    return {Status::conflict, "conflict", std::move(message)};
}
// Waiting does not help (so not 429): ending or deleting a stream does.
inline HttpError stream_quota_exceeded(std::int64_t limit) {
    return {Status::conflict, "stream_quota_exceeded",
            "at most " + std::to_string(limit) +
                " streams not yet ended per broadcaster: end or delete one first"};
}
inline HttpError unsupported_media_type(std::string message) {
    return {Status::unsupported_media_type, "unsupported_media_type", std::move(message)};
}
inline HttpError unavailable(std::string message) {
    HttpError e{Status::service_unavailable, "unavailable", std::move(message)};
    e.headers.emplace_back("Retry-After", "1");
    return e;
}

}  // namespace nchat::api
