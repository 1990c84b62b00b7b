#pragma once
// Reading request bodies field by field. Pure (no I/O): every failure is a ValidationError
// naming the field, which the routes answer as 400 {"error":{"code":"validation_failed",
// "field":…}}. Lengths are counted in Unicode code points.
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/clock.hpp"

namespace nchat::api {

struct ValidationError : std::runtime_error {
    ValidationError(std::string field,
                    const std::string& message,
                    std::string code = "validation_failed")
        : std::runtime_error(message), field(std::move(field)), code(std::move(code)) {}
    std::string field;
    std::string code;  // validation_failed or invalid_json
};

// Parses `body` as a JSON object (invalid_json otherwise; an empty body is an empty object only
// when `allow_empty`).
nlohmann::json parse_object(std::string_view body, bool allow_empty = false);

// Field readers over one JSON object. Each throws ValidationError(field, …) on a wrong type or
// value. `present(key)` tells whether the key is there at all (null included).
class Fields {
public:
    explicit Fields(const nlohmann::json& obj) : obj_(obj) {}

    // Every key of the object must be one of `allowed` (unknown fields are rejected, so a
    // typo never passes silently); `read_only` keys get their own message.
    void only(std::initializer_list<std::string_view> allowed,
              std::initializer_list<std::string_view> read_only = {}) const;
    bool present(std::string_view key) const;
    bool is_null(std::string_view key) const;

    struct Text {
        std::size_t min = 0;
        std::size_t max = 0;
        bool multiline = false;  // allow \n, \r and \t; other control characters never
    };
    std::string text(std::string_view key, Text limits) const;  // required, non-null
    std::optional<std::string> optional_text(std::string_view key, Text limits) const;  // null ok
    std::string uuid(std::string_view key) const;
    bool boolean(std::string_view key) const;
    std::string one_of(std::string_view key, std::span<const std::string_view> values) const;
    std::optional<util::Time> optional_time(std::string_view key) const;  // ISO 8601 or null
    std::optional<std::string> optional_url(std::string_view key) const;  // http(s), or null
    std::vector<std::string> tags(std::string_view key) const;

private:
    const nlohmann::json& at(std::string_view key) const;
    const nlohmann::json& obj_;
};

std::string trim(std::string_view s);

}  // namespace nchat::api
