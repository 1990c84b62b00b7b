#include "webrtc/dtls.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "webrtc/certificate.hpp"
#include "webrtc/limits.hpp"

namespace nchat::webrtc {

namespace {

// RFC 5764 §4.2: the exporter label, and each profile's key and salt lengths.
constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";
struct ProfileSizes {
    std::size_t key, salt;
};
ProfileSizes sizes(SrtpProfile p) {
    return p == SrtpProfile::aead_aes_128_gcm ? ProfileSizes{16, 12} : ProfileSizes{16, 14};
}

// One BIO method for every transport: writes go to the transport's SendFn one record at a time.
BIO_METHOD* write_method(int (*write)(BIO*, const char*, int),
                         long (*ctrl)(BIO*, int, long, void*)) {
    static BIO_METHOD* method = nullptr;
    static std::once_flag once;
    std::call_once(once, [&] {
        method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "nchat-dtls-out");
        BIO_meth_set_write(method, write);
        BIO_meth_set_ctrl(method, ctrl);
        BIO_meth_set_create(method, [](BIO* b) {
            BIO_set_init(b, 1);
            return 1;
        });
    });
    return method;
}

std::string openssl_error() {
    const unsigned long e = ERR_get_error();
    if (!e) return "no OpenSSL error";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

bool same_fingerprint(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::toupper(static_cast<unsigned char>(x)) ==
                      std::toupper(static_cast<unsigned char>(y));
           });
}

}  // namespace

DtlsContext::DtlsContext(std::shared_ptr<const Certificate> cert) : cert_(std::move(cert)) {
    // Either role: the server takes the passive one, a synthetic viewer (bench) the active one.
    ctx_ = SSL_CTX_new(DTLS_method());
    if (!ctx_) throw std::runtime_error("webrtc: SSL_CTX_new: " + openssl_error());
    SSL_CTX_set_min_proto_version(ctx_, DTLS1_2_VERSION);
    if (SSL_CTX_use_certificate(ctx_, cert_->x509()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx_, cert_->key()) != 1 || SSL_CTX_check_private_key(ctx_) != 1)
        throw std::runtime_error("webrtc: the DTLS certificate is refused: " + openssl_error());
    // The browser's certificate is self-signed: we ask for it, accept it here, and pin it by the
    // offer's fingerprint once the handshake is done (RFC 8122 §5).
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       [](int, X509_STORE_CTX*) { return 1; });
    SSL_CTX_set_read_ahead(ctx_, 1);
    SSL_CTX_set_options(ctx_, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
    // Returns 0 on success, unlike most of OpenSSL (toolchain.md).
    if (SSL_CTX_set_tlsext_use_srtp(ctx_, "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80") != 0)
        throw std::runtime_error("webrtc: SRTP profiles refused: " + openssl_error());
}

DtlsContext::~DtlsContext() {
    SSL_CTX_free(ctx_);
}

DtlsTransport::DtlsTransport(const DtlsContext& ctx,
                             std::string remote_fingerprint,
                             SendFn send,
                             Role role)
    : remote_fingerprint_(std::move(remote_fingerprint)), send_(std::move(send)), role_(role) {
    ssl_ = SSL_new(ctx.get());
    rbio_ = BIO_new(BIO_s_mem());
    BIO* wbio = BIO_new(write_method(&DtlsTransport::bio_write, &DtlsTransport::bio_ctrl));
    if (!ssl_ || !rbio_ || !wbio) {
        BIO_free(rbio_);
        BIO_free(wbio);
        rbio_ = nullptr;
        fail("cannot allocate the DTLS state");
        return;
    }
    BIO_set_mem_eof_return(rbio_, -1);  // empty means "wait for the next datagram"
    BIO_set_data(wbio, this);
    SSL_set_bio(ssl_, rbio_, wbio);
    SSL_set_mtu(ssl_, static_cast<long>(limits::kDtlsMtu));
    DTLS_set_link_mtu(ssl_, static_cast<long>(limits::kDtlsMtu));
    if (role_ == Role::client) {
        SSL_set_connect_state(ssl_);
    } else {
        SSL_set_accept_state(ssl_);
    }
}

void DtlsTransport::start() {
    if (ssl_ && role_ == Role::client && state_ == State::handshaking) advance();
}

DtlsTransport::~DtlsTransport() {
    SSL_free(ssl_);
}

int DtlsTransport::bio_write(BIO* bio, const char* data, int len) {
    auto* self = static_cast<DtlsTransport*>(BIO_get_data(bio));
    if (len <= 0) return 0;
    ++self->records_out_;
    if (self->send_)
        self->send_({reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(len)});
    return len;
}

long DtlsTransport::bio_ctrl(BIO*, int cmd, long, void*) {
    switch (cmd) {
        case BIO_CTRL_FLUSH:
            return 1;
        case BIO_CTRL_DGRAM_QUERY_MTU:
        case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
            return static_cast<long>(limits::kDtlsMtu);
        case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
            return 28;  // IPv4 + UDP headers
        default:
            return 0;  // PENDING/WPENDING: nothing buffered; timeouts: we drive them ourselves
    }
}

void DtlsTransport::on_datagram(std::span<const std::uint8_t> datagram) {
    if (!ssl_ || state_ == State::failed || state_ == State::closed) return;
    if (datagram.size() > limits::kMaxDtlsDatagram) return;
    if (BIO_write(rbio_, datagram.data(), static_cast<int>(datagram.size())) <= 0) return;
    advance();
}

void DtlsTransport::advance() {
    if (state_ == State::handshaking) {
        const int r = SSL_do_handshake(ssl_);
        if (r != 1) {
            const int err = SSL_get_error(ssl_, r);
            if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return;
            fail("handshake: " + openssl_error());
            return;
        }
        X509* peer = SSL_get1_peer_certificate(ssl_);
        const std::string got = sha256_fingerprint(peer);
        X509_free(peer);
        if (got.empty() || !same_fingerprint(got, remote_fingerprint_)) {
            fail("the peer's certificate does not match the fingerprint of its offer");
            return;
        }
        if (!export_keys()) return;
        state_ = State::connected;
    }
    // After the handshake, the only DTLS records a WebRTC media peer sends are alerts (and
    // retransmitted final flights): read them so close_notify is seen.
    char sink[512];
    for (;;) {
        const int n = SSL_read(ssl_, sink, sizeof sink);
        if (n > 0) continue;  // application data over DTLS (data channels): not ours, dropped
        const int err = SSL_get_error(ssl_, n);
        if (err == SSL_ERROR_ZERO_RETURN) {
            state_ = State::closed;
        } else if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
            ERR_clear_error();
        }
        return;
    }
}

bool DtlsTransport::export_keys() {
    SRTP_PROTECTION_PROFILE* p = SSL_get_selected_srtp_profile(ssl_);
    if (!p) {
        fail("the peer negotiated no SRTP profile");
        return false;
    }
    SrtpKeys k;
    if (p->id == SRTP_AES128_CM_SHA1_80) {
        k.profile = SrtpProfile::aes128_cm_sha1_80;
    } else if (p->id == SRTP_AEAD_AES_128_GCM) {
        k.profile = SrtpProfile::aead_aes_128_gcm;
    } else {
        fail("unexpected SRTP profile");
        return false;
    }
    const auto [key, salt] = sizes(k.profile);
    std::vector<std::uint8_t> block(2 * (key + salt));
    if (SSL_export_keying_material(ssl_, block.data(), block.size(), kExporterLabel,
                                   sizeof kExporterLabel - 1, nullptr, 0, 0) != 1) {
        fail("exporting the SRTP keys: " + openssl_error());
        return false;
    }
    // client key | server key | client salt | server salt.
    const auto at = [&](std::size_t off, std::size_t n) {
        return std::vector<std::uint8_t>(block.begin() + off, block.begin() + off + n);
    };
    auto client = at(0, key);
    auto server = at(key, key);
    const auto cs = at(2 * key, salt);
    const auto ss = at(2 * key + salt, salt);
    client.insert(client.end(), cs.begin(), cs.end());
    server.insert(server.end(), ss.begin(), ss.end());
    const bool we_serve = role_ == Role::server;
    k.local = we_serve ? std::move(server) : std::move(client);
    k.remote = we_serve ? std::move(client) : std::move(server);
    keys_ = std::move(k);
    return true;
}

std::optional<std::chrono::milliseconds> DtlsTransport::next_timeout() const {
    if (!ssl_ || state_ != State::handshaking) return std::nullopt;
    timeval tv{};
    if (DTLSv1_get_timeout(ssl_, &tv) != 1) return std::nullopt;
    return std::chrono::milliseconds(tv.tv_sec * 1000 + tv.tv_usec / 1000);
}

void DtlsTransport::on_timer() {
    if (!ssl_ || state_ != State::handshaking) return;
    if (DTLSv1_handle_timeout(ssl_) < 0) fail("handshake timed out");
}

void DtlsTransport::close() {
    if (ssl_ && state_ == State::connected) SSL_shutdown(ssl_);
    if (state_ != State::failed) state_ = State::closed;
}

void DtlsTransport::fail(std::string why) {
    state_ = State::failed;
    failure_ = std::move(why);
}

}  // namespace nchat::webrtc
