#pragma once
// API tokens: shown once at creation, stored only as their SHA-256 (hex).
#include <string>
#include <string_view>

namespace nchat::auth {

// "ncl_" + 256 random bits, base64url. The prefix tells a leaked token apart from other
// secrets in logs and scanners, and from a JWT (which has two dots).
std::string new_api_token();
std::string hash_token(std::string_view token);

}  // namespace nchat::auth
