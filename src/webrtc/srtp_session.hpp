#pragma once
// One direction of SRTP/SRTCP (RFC 3711) over libsrtp2, keyed from DTLS (dtls.hpp). Inbound
// sessions take any SSRC the peer sends; outbound ones any SSRC we send. Not thread-safe: used
// on its session's strand.
#include <memory>
#include <span>
#include <vector>

#include "util/result.hpp"
#include "webrtc/dtls.hpp"

struct srtp_ctx_t_;  // libsrtp2's srtp_t

namespace nchat::webrtc {

class SrtpSession {
public:
    enum class Direction : std::uint8_t { inbound, outbound };

    // invalid_argument when the key has the wrong length for the profile or libsrtp refuses it.
    static util::Result<SrtpSession> create(SrtpProfile profile,
                                            Direction direction,
                                            std::span<const std::uint8_t> key_salt);

    // In place: protect grows the packet by its tag (and SRTCP index), unprotect shrinks it.
    // False when libsrtp refuses (bad tag, replay, malformed): the caller drops and counts.
    bool protect_rtp(std::vector<std::uint8_t>& packet);
    // In place in a caller's buffer (a send batch's slot): the packet is its first `len` bytes
    // and `len` becomes the protected size. `buf` must be at least len + kMaxTrailer long.
    bool protect_rtp(std::span<std::uint8_t> buf, std::size_t& len);
    // Room libsrtp may want after a packet: the auth tag, or the GCM tag plus the SRTCP index
    // (SRTP_MAX_TRAILER_LEN + 4, checked in the .cpp).
    static constexpr std::size_t kMaxTrailer = 148;
    bool protect_rtcp(std::vector<std::uint8_t>& packet);
    bool unprotect_rtp(std::vector<std::uint8_t>& packet);
    bool unprotect_rtcp(std::vector<std::uint8_t>& packet);

private:
    struct Free {
        void operator()(srtp_ctx_t_* s) const;
    };
    explicit SrtpSession(srtp_ctx_t_* s) : ctx_(s) {}
    std::unique_ptr<srtp_ctx_t_, Free> ctx_;
};

}  // namespace nchat::webrtc
