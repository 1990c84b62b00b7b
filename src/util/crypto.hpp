#pragma once
// Thin wrappers over OpenSSL: CSPRNG bytes, SHA-256, HMAC-SHA256, constant-time compare.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nchat::util {

// Throws std::runtime_error if the CSPRNG fails (it does not on a working system).
std::vector<std::uint8_t> random_bytes(std::size_t n);
std::string sha256_hex(std::string_view data);
std::vector<std::uint8_t> hmac_sha256(std::string_view key, std::string_view data);
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace nchat::util
