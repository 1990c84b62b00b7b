#include "webrtc/srtp_session.hpp"

#include <mutex>
#include <system_error>

#include <srtp2/srtp.h>

namespace nchat::webrtc {

namespace {

// libsrtp's global init (its crypto kernel), once per process.
bool init_once() {
    static const bool ok = srtp_init() == srtp_err_status_ok;
    return ok;
}

// Room libsrtp may append: the auth tag, or the GCM tag plus the SRTCP index.
constexpr std::size_t kTrailer = SRTP_MAX_TRAILER_LEN + 4;
static_assert(kTrailer == SrtpSession::kMaxTrailer);

}  // namespace

void SrtpSession::Free::operator()(srtp_ctx_t_* s) const {
    srtp_dealloc(s);
}

util::Result<SrtpSession> SrtpSession::create(SrtpProfile profile,
                                              Direction direction,
                                              std::span<const std::uint8_t> key_salt) {
    if (!init_once()) return std::make_error_code(std::errc::not_supported);
    const std::size_t want = profile == SrtpProfile::aead_aes_128_gcm ? 28 : 30;
    if (key_salt.size() != want) return std::make_error_code(std::errc::invalid_argument);
    srtp_policy_t policy{};
    if (profile == SrtpProfile::aead_aes_128_gcm) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
    } else {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    }
    policy.ssrc.type = direction == Direction::inbound ? ssrc_any_inbound : ssrc_any_outbound;
    std::vector<std::uint8_t> key(key_salt.begin(), key_salt.end());  // libsrtp wants non-const
    policy.key = key.data();
    // A wide replay window: NACKed packets come back late, and a reordering path must not make
    // us drop what is merely out of order (RFC 3711 §3.3.2 allows any size ≥ 64).
    policy.window_size = 1024;
    // Retransmissions we answer to a NACK re-protect the same sequence number.
    policy.allow_repeat_tx = 1;
    srtp_t s = nullptr;
    if (srtp_create(&s, &policy) != srtp_err_status_ok)
        return std::make_error_code(std::errc::invalid_argument);
    return SrtpSession(s);
}

bool SrtpSession::protect_rtp(std::vector<std::uint8_t>& p) {
    int len = static_cast<int>(p.size());
    p.resize(p.size() + kTrailer);
    const bool ok = srtp_protect(ctx_.get(), p.data(), &len) == srtp_err_status_ok;
    p.resize(ok ? static_cast<std::size_t>(len) : p.size() - kTrailer);
    return ok;
}

bool SrtpSession::protect_rtp(std::span<std::uint8_t> buf, std::size_t& len) {
    if (len > buf.size() || buf.size() - len < kTrailer) return false;
    int n = static_cast<int>(len);
    if (srtp_protect(ctx_.get(), buf.data(), &n) != srtp_err_status_ok) return false;
    len = static_cast<std::size_t>(n);
    return true;
}

bool SrtpSession::protect_rtcp(std::vector<std::uint8_t>& p) {
    int len = static_cast<int>(p.size());
    p.resize(p.size() + kTrailer);
    const bool ok = srtp_protect_rtcp(ctx_.get(), p.data(), &len) == srtp_err_status_ok;
    p.resize(ok ? static_cast<std::size_t>(len) : p.size() - kTrailer);
    return ok;
}

bool SrtpSession::unprotect_rtp(std::vector<std::uint8_t>& p) {
    if (p.size() < 12) return false;
    int len = static_cast<int>(p.size());
    if (srtp_unprotect(ctx_.get(), p.data(), &len) != srtp_err_status_ok) return false;
    p.resize(static_cast<std::size_t>(len));
    return true;
}

bool SrtpSession::unprotect_rtcp(std::vector<std::uint8_t>& p) {
    if (p.size() < 8) return false;
    int len = static_cast<int>(p.size());
    if (srtp_unprotect_rtcp(ctx_.get(), p.data(), &len) != srtp_err_status_ok) return false;
    p.resize(static_cast<std::size_t>(len));
    return true;
}

}  // namespace nchat::webrtc
