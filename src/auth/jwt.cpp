#include "auth/jwt.hpp"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "util/base64.hpp"
#include "util/crypto.hpp"
#include "util/ids.hpp"

namespace nchat::auth {
namespace {

constexpr std::size_t kMaxTokenBytes = 8 * 1024;

std::string hs256(std::string_view signing_input, std::string_view secret) {
    auto mac = util::hmac_sha256(secret, signing_input);
    return util::base64url_encode(mac);
}

std::optional<nlohmann::json> decode_part(std::string_view part) {
    auto raw = util::base64url_decode(part);
    if (!raw) return std::nullopt;
    auto j = nlohmann::json::parse(*raw, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

}  // namespace

std::string_view to_string(JwtError e) {
    switch (e) {
        case JwtError::malformed:
            return "malformed token";
        case JwtError::bad_algorithm:
            return "unsupported algorithm";
        case JwtError::bad_signature:
            return "bad signature";
        case JwtError::expired:
            return "token expired";
        case JwtError::not_yet_valid:
            return "token not yet valid";
        case JwtError::bad_claims:
            return "token claims invalid";
    }
    return "invalid token";
}

JwtResult verify_jwt(std::string_view token,
                     std::string_view secret,
                     util::Time now,
                     int leeway_seconds) {
    JwtResult r;
    if (token.size() > kMaxTokenBytes || secret.empty()) return r;
    auto d1 = token.find('.');
    auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
    if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
        return r;
    }
    auto header = decode_part(token.substr(0, d1));
    if (!header) return r;
    auto alg = header->find("alg");
    if (alg == header->end() || !alg->is_string() || alg->get<std::string>() != "HS256") {
        r.error = JwtError::bad_algorithm;
        return r;
    }
    auto expected = hs256(token.substr(0, d2), secret);
    if (!util::constant_time_equal(expected, token.substr(d2 + 1))) {
        r.error = JwtError::bad_signature;
        return r;
    }
    auto payload = decode_part(token.substr(d1 + 1, d2 - d1 - 1));
    if (!payload) return r;
    auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    auto num = [&](const char* k) -> std::optional<double> {
        auto it = payload->find(k);
        if (it == payload->end()) return std::nullopt;
        if (!it->is_number()) return std::numeric_limits<double>::quiet_NaN();
        return it->get<double>();
    };
    if (auto exp = num("exp")) {
        if (std::isnan(*exp)) {
            r.error = JwtError::bad_claims;
            return r;
        }
        if (now_s >= *exp + leeway_seconds) {
            r.error = JwtError::expired;
            return r;
        }
    }
    if (auto nbf = num("nbf")) {
        if (std::isnan(*nbf)) {
            r.error = JwtError::bad_claims;
            return r;
        }
        if (now_s + leeway_seconds < *nbf) {
            r.error = JwtError::not_yet_valid;
            return r;
        }
    }
    auto sub = payload->find("sub");
    auto role = payload->find("role");
    if (sub == payload->end() || !sub->is_string() || !util::is_uuid(sub->get<std::string>()) ||
        role == payload->end() || !role->is_string()) {
        r.error = JwtError::bad_claims;
        return r;
    }
    auto parsed_role = store::parse_role(role->get<std::string>());
    if (!parsed_role) {
        r.error = JwtError::bad_claims;
        return r;
    }
    JwtClaims c;
    c.sub = sub->get<std::string>();
    c.role = *parsed_role;
    if (auto name = payload->find("name"); name != payload->end() && name->is_string()) {
        c.name = name->get<std::string>();
    }
    r.claims = std::move(c);
    return r;
}

std::string sign_jwt(std::string_view payload_json, std::string_view secret) {
    std::string input = util::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                        util::base64url_encode(payload_json);
    return input + "." + hs256(input, secret);
}

}  // namespace nchat::auth
