#include "api/validation.hpp"

#include <algorithm>

#include "util/ids.hpp"
#include "util/time.hpp"
#include "util/utf8.hpp"

namespace nchat::api {
namespace {

constexpr std::size_t kMaxUrlLength = 2048;
constexpr std::size_t kMaxTags = 20;
constexpr std::size_t kMaxTagLength = 50;

std::string list(std::span<const std::string_view> values) {
    std::string out;
    for (auto v : values) {
        if (!out.empty()) out += ", ";
        out += "'" + std::string(v) + "'";
    }
    return out;
}

bool has_forbidden_controls(std::string_view s, bool multiline) {
    for (unsigned char c : s) {
        if (c == 0x7F) return true;
        if (c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) return true;
    }
    return false;
}

}  // namespace

std::string trim(std::string_view s) {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return std::string(s);
}

nlohmann::json parse_object(std::string_view body, bool allow_empty) {
    if (trim(body).empty()) {
        if (allow_empty) return nlohmann::json::object();
        throw ValidationError("", "a JSON request body is required", "invalid_json");
    }
    auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        throw ValidationError("", "request body is not valid JSON", "invalid_json");
    if (!j.is_object())
        throw ValidationError("", "request body must be a JSON object", "invalid_json");
    return j;
}

void Fields::only(std::initializer_list<std::string_view> allowed,
                  std::initializer_list<std::string_view> read_only) const {
    for (auto& [key, value] : obj_.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
        if (std::find(read_only.begin(), read_only.end(), key) != read_only.end()) {
            throw ValidationError(key, key + " is read-only");
        }
        throw ValidationError(key, "unknown field " + key);
    }
}

bool Fields::present(std::string_view key) const {
    return obj_.find(key) != obj_.end();
}

bool Fields::is_null(std::string_view key) const {
    auto it = obj_.find(key);
    return it != obj_.end() && it->is_null();
}

const nlohmann::json& Fields::at(std::string_view key) const {
    auto it = obj_.find(key);
    if (it == obj_.end())
        throw ValidationError(std::string(key), std::string(key) + " is required");
    return *it;
}

std::string Fields::text(std::string_view key, Text limits) const {
    const auto& v = at(key);
    std::string k(key);
    if (!v.is_string()) throw ValidationError(k, k + " must be a string");
    auto s = trim(v.get_ref<const std::string&>());
    auto n = util::utf8_length(s);
    if (!n) throw ValidationError(k, k + " is not valid UTF-8");
    if (has_forbidden_controls(s, limits.multiline)) {
        throw ValidationError(k, k + " contains control characters");
    }
    if (*n < limits.min) {
        throw ValidationError(k, limits.min == 1 ? k + " must not be empty"
                                                 : k + " must be at least " +
                                                       std::to_string(limits.min) + " characters");
    }
    if (*n > limits.max) {
        throw ValidationError(k,
                              k + " must be at most " + std::to_string(limits.max) + " characters");
    }
    return s;
}

std::optional<std::string> Fields::optional_text(std::string_view key, Text limits) const {
    if (!present(key) || is_null(key)) return std::nullopt;
    return text(key, limits);
}

std::string Fields::uuid(std::string_view key) const {
    const auto& v = at(key);
    std::string k(key);
    if (!v.is_string() || !util::is_uuid(v.get_ref<const std::string&>())) {
        throw ValidationError(k, k + " must be a UUID");
    }
    auto s = v.get<std::string>();
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

bool Fields::boolean(std::string_view key) const {
    const auto& v = at(key);
    if (!v.is_boolean())
        throw ValidationError(std::string(key), std::string(key) + " must be true or false");
    return v.get<bool>();
}

std::string Fields::one_of(std::string_view key, std::span<const std::string_view> values) const {
    const auto& v = at(key);
    std::string k(key);
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (std::find(values.begin(), values.end(), s) != values.end()) return s;
    }
    throw ValidationError(k, k + " must be one of " + list(values));
}

std::optional<util::Time> Fields::optional_time(std::string_view key) const {
    if (!present(key) || is_null(key)) return std::nullopt;
    const auto& v = at(key);
    std::string k(key);
    if (v.is_string()) {
        if (auto t = util::parse_iso8601(v.get_ref<const std::string&>())) return t;
    }
    throw ValidationError(k, k + " must be an ISO 8601 date-time with a time zone, e.g. "
                                 "2026-12-01T18:00:00Z");
}

std::optional<std::string> Fields::optional_url(std::string_view key) const {
    auto s = optional_text(key, {.min = 1, .max = kMaxUrlLength});
    if (!s) return s;
    if (s->rfind("https://", 0) != 0 && s->rfind("http://", 0) != 0) {
        throw ValidationError(std::string(key), std::string(key) + " must be an http(s) URL");
    }
    if (s->find_first_of(" \"<>\\^`{|}") != std::string::npos) {
        throw ValidationError(std::string(key), std::string(key) + " is not a valid URL");
    }
    return s;
}

std::vector<std::string> Fields::tags(std::string_view key) const {
    const auto& v = at(key);
    std::string k(key);
    if (!v.is_array()) throw ValidationError(k, k + " must be an array of strings");
    if (v.size() > kMaxTags) {
        throw ValidationError(k, k + " may hold at most " + std::to_string(kMaxTags) + " tags");
    }
    std::vector<std::string> out;
    for (const auto& el : v) {
        if (!el.is_string()) throw ValidationError(k, k + " must be an array of strings");
        auto s = trim(el.get_ref<const std::string&>());
        auto n = util::utf8_length(s);
        if (!n || *n == 0 || *n > kMaxTagLength || has_forbidden_controls(s, false)) {
            throw ValidationError(
                k, "each of " + k + " must be 1-" + std::to_string(kMaxTagLength) + " characters");
        }
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
    }
    return out;
}

}  // namespace nchat::api
