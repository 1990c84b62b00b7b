#pragma once
// API tokens and stream keys: shown once at creation, stored only as their SHA-256 (hex). Both
// are 256 random bits, so a plain hash (no secret, no stretching) is enough: nothing to guess.
#include <string>
#include <string_view>

namespace nchat::auth {

// "ncl_" + 256 random bits, base64url. The prefix tells a leaked token apart from other
// secrets in logs and scanners, and from a JWT (which has two dots).
std::string new_api_token();
// The stored form of an API token or a stream key. Migration 0004 computes the same in SQL
// (sha256 in PostgreSQL, nchat_sha256 in SQLite) to convert keys stored in clear before it.
std::string hash_token(std::string_view token);

}  // namespace nchat::auth
