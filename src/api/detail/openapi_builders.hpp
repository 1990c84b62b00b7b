#pragma once
// Small builders of the OpenAPI document, shared by openapi.cpp and openapi_room.cpp.
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

namespace nchat::api::detail {

using nlohmann::json;

inline json ref(const char* name) {
    return {{"$ref", std::string("#/components/schemas/") + name}};
}

inline json error_responses(std::initializer_list<int> codes) {
    static const std::pair<int, const char*> kText[] = {
        {400, "Validation failed (error.field names the field) or invalid JSON"},
        {401, "Missing or invalid bearer token"},
        {403, "Authenticated but not allowed"},
        {404, "No such stream (or a private one you may not see)"},
        {409, "Wrong state for this action"},
        {429, "Too many requests (rate limit or slow mode); Retry-After"},
        {413, "Body over 64 KiB"},
        {415, "Body is not application/json"},
        {503, "Storage overloaded; retry"}};
    json out = json::object();
    for (int c : codes) {
        for (auto& [code, text] : kText) {
            if (code == c) {
                out[std::to_string(c)] = {
                    {"description", text},
                    {"content", {{"application/json", {{"schema", ref("Error")}}}}}};
            }
        }
    }
    return out;
}

inline json op(const char* summary,
               json ok,
               std::initializer_list<int> errors,
               bool auth,
               json body = nullptr,
               int ok_status = 200) {
    json o = {{"summary", summary}, {"responses", error_responses(errors)}};
    o["responses"][std::to_string(ok_status)] = {
        {"description", "OK"}, {"content", {{"application/json", {{"schema", std::move(ok)}}}}}};
    if (auth) o["security"] = json::array({{{"bearer", json::array()}}});
    if (!body.is_null()) {
        o["requestBody"] = {{"required", true},
                            {"content", {{"application/json", {{"schema", std::move(body)}}}}}};
    }
    return o;
}

inline json id_param(const char* name) {
    return {{"name", name},
            {"in", "path"},
            {"required", true},
            {"schema", {{"type", "string"}, {"format", "uuid"}}}};
}

}  // namespace nchat::api::detail
