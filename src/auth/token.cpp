#include "auth/token.hpp"

#include "util/crypto.hpp"
#include "util/ids.hpp"

namespace nchat::auth {

std::string new_api_token() {
    return "ncl_" + util::new_secret();
}

std::string hash_token(std::string_view token) {
    return util::sha256_hex(token);
}

}  // namespace nchat::auth
