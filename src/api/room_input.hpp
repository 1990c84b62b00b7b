#pragma once
// Reading the query parameters of every route (streams, chat, reactions, Q&A, moderation,
// channels) and the typed body fields of the room routes that the generic Fields reader
// (validation.hpp) does not cover.
// Every failure is a 400 naming the parameter or field.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/router.hpp"

namespace nchat::api {

// ?key=N within [min, max], `def` when absent.
std::int64_t query_int(const http::Request& req,
                       std::string_view key,
                       std::int64_t def,
                       std::int64_t min,
                       std::int64_t max);
// ?key=true|false, `def` when absent.
bool query_bool(const http::Request& req, std::string_view key, bool def);

// An integer field (a JSON integer, not 1.5 or "1"); nullopt when absent or null.
std::optional<int> optional_int_field(const nlohmann::json& obj, std::string_view key);
// A number field; nullopt when absent or null.
std::optional<double> optional_number_field(const nlohmann::json& obj, std::string_view key);
// A string field taken as is (the service sanitises it); required.
std::string raw_string_field(const nlohmann::json& obj, std::string_view key);

}  // namespace nchat::api
