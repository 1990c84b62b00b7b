#pragma once
// DTLS-SRTP (RFC 5763/5764, protocols.md §7) for one peer, as the passive side: the browser
// sends the ClientHello, we answer, check its certificate against the fingerprint of its SDP
// offer and export the SRTP keys. The active (client) role exists for the synthetic viewers of
// bench/whep_fanout; the server never takes it. No socket here: datagrams come in through
// on_datagram() and go out through the SendFn, one DTLS record per call (a custom BIO), so a flight
// never exceeds the MTU in one datagram. Retransmission is driven by the owner's timer
// (next_timeout()). Not thread-safe: used on its session's strand.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <openssl/types.h>

namespace nchat::webrtc {

class Certificate;

enum class SrtpProfile : std::uint8_t { aes128_cm_sha1_80, aead_aes_128_gcm };

// What SRTP needs once the handshake is done: key‖salt for each direction (RFC 5764 §4.2).
struct SrtpKeys {
    SrtpProfile profile = SrtpProfile::aes128_cm_sha1_80;
    std::vector<std::uint8_t> local;   // ours: protects what we send
    std::vector<std::uint8_t> remote;  // the peer's: unprotects what we receive
};

// The SSL_CTX every session shares: our certificate, DTLS 1.2, the SRTP profiles we accept.
class DtlsContext {
public:
    // Throws std::runtime_error when OpenSSL refuses the setup.
    explicit DtlsContext(std::shared_ptr<const Certificate> cert);
    ~DtlsContext();
    DtlsContext(const DtlsContext&) = delete;
    DtlsContext& operator=(const DtlsContext&) = delete;

    SSL_CTX* get() const { return ctx_; }
    const Certificate& certificate() const { return *cert_; }

private:
    std::shared_ptr<const Certificate> cert_;
    SSL_CTX* ctx_ = nullptr;
};

class DtlsTransport {
public:
    enum class State : std::uint8_t { handshaking, connected, failed, closed };
    enum class Role : std::uint8_t { server, client };
    using SendFn = std::function<void(std::span<const std::uint8_t>)>;

    // `remote_fingerprint`: the offer's a=fingerprint:sha-256 ("AB:CD:...", any case).
    // A client sends its ClientHello from start().
    DtlsTransport(const DtlsContext& ctx,
                  std::string remote_fingerprint,
                  SendFn send,
                  Role role = Role::server);
    ~DtlsTransport();
    DtlsTransport(const DtlsTransport&) = delete;
    DtlsTransport& operator=(const DtlsTransport&) = delete;

    void start();  // the client role's first flight; nothing for a server
    // A datagram whose first byte is 20..63 (RFC 7983).
    void on_datagram(std::span<const std::uint8_t> datagram);
    // When on_timer() must run next (handshake retransmission); nullopt when no timer is due.
    std::optional<std::chrono::milliseconds> next_timeout() const;
    void on_timer();
    // Sends close_notify (the peer learns at once that we are gone).
    void close();

    State state() const { return state_; }
    const std::string& failure() const { return failure_; }  // why it failed, for the log
    // Once connected.
    const std::optional<SrtpKeys>& keys() const { return keys_; }
    std::uint64_t records_out() const { return records_out_; }

private:
    static int bio_write(BIO* bio, const char* data, int len);
    static long bio_ctrl(BIO* bio, int cmd, long num, void* ptr);
    void advance();
    void fail(std::string why);
    bool export_keys();

    std::string remote_fingerprint_;
    SendFn send_;
    Role role_;
    SSL* ssl_ = nullptr;
    BIO* rbio_ = nullptr;  // owned by ssl_
    State state_ = State::handshaking;
    std::string failure_;
    std::optional<SrtpKeys> keys_;
    std::uint64_t records_out_ = 0;
};

}  // namespace nchat::webrtc
