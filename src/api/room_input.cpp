#include "api/room_input.hpp"

#include <charconv>
#include <limits>

#include "api/errors.hpp"
#include "api/validation.hpp"

namespace nchat::api {

std::int64_t query_int(const http::Request& req,
                       std::string_view key,
                       std::int64_t def,
                       std::int64_t min,
                       std::int64_t max) {
    auto v = req.query_param(key);
    if (!v) return def;
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc{} || p != v->data() + v->size() || out < min || out > max) {
        throw bad_request(std::string(key) + " must be an integer from " + std::to_string(min) +
                              " to " + std::to_string(max),
                          std::string(key));
    }
    return out;
}

bool query_bool(const http::Request& req, std::string_view key, bool def) {
    auto v = req.query_param(key);
    if (!v) return def;
    if (*v == "true" || *v == "1") return true;
    if (*v == "false" || *v == "0") return false;
    throw bad_request(std::string(key) + " must be true or false", std::string(key));
}

std::optional<int> optional_int_field(const nlohmann::json& obj, std::string_view key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    std::string k(key);
    if (!it->is_number_integer()) throw ValidationError(k, k + " must be an integer");
    auto v = it->get<std::int64_t>();
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
        throw ValidationError(k, k + " is out of range");
    }
    return static_cast<int>(v);
}

std::optional<double> optional_number_field(const nlohmann::json& obj, std::string_view key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    std::string k(key);
    if (!it->is_number()) throw ValidationError(k, k + " must be a number");
    return it->get<double>();
}

std::string raw_string_field(const nlohmann::json& obj, std::string_view key) {
    auto it = obj.find(key);
    std::string k(key);
    if (it == obj.end()) throw ValidationError(k, k + " is required");
    if (!it->is_string()) throw ValidationError(k, k + " must be a string");
    return it->get<std::string>();
}

}  // namespace nchat::api
