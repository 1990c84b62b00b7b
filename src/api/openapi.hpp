#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace nchat::api {

// The OpenAPI 3.1 description of every route (served at /api/openapi.json).
nlohmann::json openapi_document(const std::string& version, const std::string& server_url);

}  // namespace nchat::api
