#include "webrtc/certificate.hpp"

#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

namespace nchat::webrtc {

void Certificate::X509Free::operator()(X509* x) const {
    X509_free(x);
}
void Certificate::KeyFree::operator()(EVP_PKEY* k) const {
    EVP_PKEY_free(k);
}

std::shared_ptr<const Certificate> Certificate::generate() {
    auto cert = std::make_shared<Certificate>();
    cert->key_.reset(EVP_EC_gen("P-256"));
    if (!cert->key_) throw std::runtime_error("webrtc: cannot generate an ECDSA P-256 key");
    cert->x509_.reset(X509_new());
    X509* x = cert->x509_.get();
    if (!x) throw std::runtime_error("webrtc: X509_new failed");
    X509_set_version(x, 2);
    // A random positive serial: browsers do not check it, but two runs should not look alike.
    unsigned char serial[8];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    // Valid from a day ago (clock skew) for 30 days: the process restarts long before.
    X509_gmtime_adj(X509_getm_notBefore(x), -86400);
    X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("nchat-live"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, cert->key_.get());
    if (X509_sign(x, cert->key_.get(), EVP_sha256()) == 0)
        throw std::runtime_error("webrtc: cannot sign the DTLS certificate");
    cert->fingerprint_ = sha256_fingerprint(x);
    return cert;
}

std::string sha256_fingerprint(X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!cert || X509_digest(cert, EVP_sha256(), md, &n) != 1) return {};
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(n * 3);
    for (unsigned int i = 0; i < n; ++i) {
        if (i) out += ':';
        out += kHex[md[i] >> 4];
        out += kHex[md[i] & 15];
    }
    return out;
}

}  // namespace nchat::webrtc
