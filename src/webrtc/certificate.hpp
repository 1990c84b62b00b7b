#pragma once
// The server's DTLS identity (RFC 5763 §5, protocols.md §7): a self-signed ECDSA P-256
// certificate made at start and shared by every session; browsers pin it by the SHA-256
// fingerprint our SDP answers carry, so nothing about it needs to be trusted or renewed.
#include <memory>
#include <string>

#include <openssl/types.h>

namespace nchat::webrtc {

class Certificate {
public:
    // Throws std::runtime_error when OpenSSL cannot make a key (it does not on a working system).
    static std::shared_ptr<const Certificate> generate();

    X509* x509() const { return x509_.get(); }
    EVP_PKEY* key() const { return key_.get(); }
    // "AB:CD:..." (upper-case hex, colons): what a=fingerprint:sha-256 carries.
    const std::string& fingerprint() const { return fingerprint_; }

private:
    struct X509Free {
        void operator()(X509* x) const;
    };
    struct KeyFree {
        void operator()(EVP_PKEY* k) const;
    };
    std::unique_ptr<X509, X509Free> x509_;
    std::unique_ptr<EVP_PKEY, KeyFree> key_;
    std::string fingerprint_;
};

// The SHA-256 fingerprint of `cert` in SDP form; empty on failure.
std::string sha256_fingerprint(X509* cert);

}  // namespace nchat::webrtc
