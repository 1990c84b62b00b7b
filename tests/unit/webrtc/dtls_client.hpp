#pragma once
// A DTLS-SRTP client on OpenSSL with memory BIOs: the role a browser plays against our passive
// DtlsTransport, for the tests.
#include <memory>
#include <span>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "webrtc/certificate.hpp"

namespace nchat::webrtc {

struct DtlsTestClient {
    explicit DtlsTestClient(const char* profiles) : cert(Certificate::generate()) {
        ctx = SSL_CTX_new(DTLS_client_method());
        SSL_CTX_use_certificate(ctx, cert->x509());
        SSL_CTX_use_PrivateKey(ctx, cert->key());
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
        EXPECT_EQ(SSL_CTX_set_tlsext_use_srtp(ctx, profiles), 0);
        ssl = SSL_new(ctx);
        rbio = BIO_new(BIO_s_mem());
        wbio = BIO_new(BIO_s_mem());
        BIO_set_mem_eof_return(rbio, -1);
        SSL_set_bio(ssl, rbio, wbio);
        SSL_set_connect_state(ssl);
    }
    ~DtlsTestClient() {
        SSL_free(ssl);
        SSL_CTX_free(ctx);
    }
    // Runs the client one step; returns what it wants to send.
    std::vector<std::uint8_t> step() {
        SSL_do_handshake(ssl);
        std::vector<std::uint8_t> out(BIO_ctrl_pending(wbio));
        if (!out.empty()) BIO_read(wbio, out.data(), static_cast<int>(out.size()));
        return out;
    }
    void receive(std::span<const std::uint8_t> d) {
        BIO_write(rbio, d.data(), static_cast<int>(d.size()));
    }
    std::vector<std::uint8_t> exported(std::size_t n) {
        std::vector<std::uint8_t> out(n);
        EXPECT_EQ(SSL_export_keying_material(ssl, out.data(), n, "EXTRACTOR-dtls_srtp", 19, nullptr,
                                             0, 0),
                  1);
        return out;
    }

    std::shared_ptr<const Certificate> cert;
    SSL_CTX* ctx = nullptr;
    SSL* ssl = nullptr;
    BIO* rbio = nullptr;
    BIO* wbio = nullptr;
};

}  // namespace nchat::webrtc
