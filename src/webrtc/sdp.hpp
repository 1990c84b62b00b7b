#pragma once
// SDP offers in, answers out, for WHIP ingest and WHEP playback (RFC 8866, JSEP RFC 9429,
// BUNDLE RFC 9143). Parsing, negotiation and the answer are pure functions; an SdpError is a
// sentence fit for a 400 body.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace nchat::webrtc {

enum class Direction : std::uint8_t { sendrecv, sendonly, recvonly, inactive };

struct RtpCodec {
    std::uint8_t pt = 0;
    std::string name;  // as written, e.g. "H264"
    std::uint32_t clock = 0;
    std::uint8_t channels = 0;
    std::string fmtp;
    std::vector<std::string> rtcp_fb;  // "nack", "nack pli", "ccm fir", "transport-cc", ...
};

struct Extmap {
    std::uint8_t id = 0;
    std::string uri;
};

struct MediaSection {
    std::string kind;  // "audio", "video", "application"
    std::uint16_t port = 0;
    std::string protocol;
    std::vector<std::string> formats;  // from the m= line
    std::string mid;
    Direction direction = Direction::sendrecv;
    std::vector<RtpCodec> codecs;  // those with an a=rtpmap, in m= line order
    std::vector<Extmap> extmaps;
    bool rtcp_mux = false;
    bool bundle_only = false;  // a=bundle-only (RFC 9143 §7.3.3): port 0 but not rejected
    // Media level, else inherited from session level by the parser. Of several fingerprints the
    // first sha-256 one.
    std::string ice_ufrag, ice_pwd, fingerprint_algorithm, fingerprint, setup;
    std::vector<std::uint32_t> ssrcs;
    std::optional<std::pair<std::uint32_t, std::uint32_t>> fid_group;  // FID main rtx
    std::string msid;  // a=msid, else the first a=ssrc:N msid:
};

struct SessionDescription {
    bool ice_lite = false;
    std::vector<std::string> bundle_mids;
    std::vector<MediaSection> media;
};

struct SdpError {
    std::string what;  // "line 14: a=rtpmap without a payload type"
};

// LF or CRLF line ends. Bounded by limits.hpp's SDP section.
std::variant<SessionDescription, SdpError> parse_sdp(std::string_view text);

struct H264Profile {
    std::uint8_t profile_idc = 0, constraints = 0, level_idc = 0;
    int packetization_mode = 0;
    bool level_asymmetry_allowed = false;
};
// profile-level-id (hex, compared by field; RFC 6184 default 42000a), packetization-mode,
// level-asymmetry-allowed. nullopt when a value is malformed.
std::optional<H264Profile> parse_h264_fmtp(std::string_view fmtp);

enum class OfferUse : std::uint8_t {
    publish,  // WHIP: the peer sends, we receive
    play,     // WHEP: we send
};

struct MediaChoice {  // one per m-line of the offer, same order
    bool accepted = false;
    std::string mid;
    std::string kind;
    RtpCodec codec;                      // the chosen one, with the offer's PT and fmtp
    std::optional<std::uint8_t> rtx_pt;  // the offer's rtx PT for that codec, if any
    std::vector<std::string> rtcp_fb;    // kept: nack, nack pli, ccm fir, transport-cc, goog-remb
    std::vector<Extmap> extmaps;         // kept: sdes:mid, abs-send-time, transport-wide-cc
    std::vector<std::uint32_t> remote_ssrcs;
};

struct Negotiated {
    std::vector<MediaChoice> media;
    std::string remote_ufrag, remote_pwd;
    std::string remote_fingerprint;  // sha-256, "AB:CD:..." upper-case
    std::string remote_setup;
    OfferUse use = OfferUse::publish;  // what negotiate() was asked: the answer's direction
};

// BUNDLE over all accepted m-lines and rtcp-mux are required; ice-ufrag/pwd and a sha-256
// fingerprint required; setup actpass or active. publish: at most one audio and one video
// m-line, sendonly/sendrecv; play: recvonly/sendrecv (extra ones of a kind are rejected).
// Video: H.264 packetization-mode=1 (42e01f, then constrained baseline, then 42/4d/64), else
// VP8; audio: opus/48000/2. Other m-lines are rejected, not an error; all rejected is one.
std::variant<Negotiated, SdpError> negotiate(const SessionDescription& offer, OfferUse use);

struct LocalCandidate {
    std::string address;
    std::uint16_t port = 0;
    bool tcp = false;
};
struct LocalSsrc {  // for play answers (a=ssrc, a=msid)
    std::uint32_t ssrc = 0;
    std::string cname, stream_id, track_id;
};
struct LocalDescription {
    std::string ice_ufrag, ice_pwd, fingerprint_sha256;
    std::vector<LocalCandidate> candidates;
    std::uint64_t session_id = 0;
    std::vector<std::optional<LocalSsrc>> ssrcs;  // per m-line, play only
};

// The answer (JSEP RFC 9429 §5.3.1): same m-lines in the same order, rejected ones port 0;
// a=ice-lite, BUNDLE of the accepted mids, passive DTLS, our candidates. CRLF line ends.
// `n` must come from negotiate(offer, ...).
std::string build_answer(const SessionDescription& offer,
                         const Negotiated& n,
                         const LocalDescription& local);

// The a=candidate values (after "a=candidate:") of a trickle-ice-sdpfrag body (RFC 8840),
// at most limits::kMaxSdpCandidates.
std::vector<std::string> parse_sdpfrag_candidates(std::string_view body);

}  // namespace nchat::webrtc
