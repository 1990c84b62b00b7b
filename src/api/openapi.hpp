#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace nchat::api {

// The OpenAPI 3.1 description of every route (served at /api/openapi.json).
nlohmann::json openapi_document(const std::string& version, const std::string& server_url);
// The room's routes (chat, reactions, Q&A, moderation, channels) and their schemas
// (openapi_room.cpp).
void add_room_paths(nlohmann::json& paths, nlohmann::json& schemas);

}  // namespace nchat::api
