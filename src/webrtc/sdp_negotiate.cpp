// negotiate and parse_h264_fmtp: what we accept of an offer, under WHIP (RFC 9725 §4.4) and
// WHEP rules.
#include <algorithm>
#include <array>

#include "webrtc/detail/sdp_text.hpp"
#include "webrtc/sdp.hpp"

namespace nchat::webrtc {
namespace {

using detail::iequals;
using detail::split_first;
using detail::trim;

constexpr std::array<std::string_view, 5> kKeptFeedback = {"nack", "nack pli", "ccm fir",
                                                           "transport-cc", "goog-remb"};
constexpr std::array<std::string_view, 3> kKeptExtensions = {
    "urn:ietf:params:rtp-hdrext:sdes:mid",
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = detail::lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// Lower is better; -1 = not usable. RFC 6184 §8.1: packetization-mode 1 is what browsers send
// (FU-A, STAP-A); constrained baseline 3.1 (42e01f) is what every browser decodes.
int h264_rank(const RtpCodec& c) {
    if (!iequals(c.name, "H264") || c.clock != 90000) return -1;
    auto p = parse_h264_fmtp(c.fmtp);
    // No fmtp at all: RFC 6184's defaults, Baseline in packetization-mode 0.
    if (!p) return c.fmtp.empty() ? 4 : -1;
    if (p->profile_idc != 0x42 && p->profile_idc != 0x4d && p->profile_idc != 0x64) return -1;
    // Mode 0 (single NAL units, the RFC 6184 default) last: our depacketizer takes it too, and
    // some senders (GStreamer's webrtcbin before its payloader has caps) offer nothing else.
    if (p->packetization_mode != 1) return 3;
    const bool constrained_baseline = p->profile_idc == 0x42 && (p->constraints & 0x40) != 0;
    if (p->profile_idc == 0x42 && p->constraints == 0xe0 && p->level_idc == 0x1f) return 0;
    if (constrained_baseline) return 1;
    return 2;
}

const RtpCodec* choose_video(const MediaSection& m) {
    const RtpCodec* best = nullptr;
    int best_rank = 5;
    for (const auto& c : m.codecs) {
        int r = h264_rank(c);
        if (r >= 0 && r < best_rank) {
            best = &c;
            best_rank = r;
        }
    }
    if (best) return best;
    for (const auto& c : m.codecs) {
        if (iequals(c.name, "VP8") && c.clock == 90000) return &c;
    }
    return nullptr;
}

const RtpCodec* choose_audio(const MediaSection& m) {
    for (const auto& c : m.codecs) {
        if (iequals(c.name, "opus") && c.clock == 48000 && c.channels == 2) return &c;
    }
    return nullptr;
}

std::optional<std::uint8_t> rtx_for(const MediaSection& m, std::uint8_t pt) {
    const std::string apt = "apt=" + std::to_string(pt);
    for (const auto& c : m.codecs) {
        if (!iequals(c.name, "rtx")) continue;
        std::string_view rest = c.fmtp;
        while (!rest.empty()) {
            auto [param, tail] = split_first(rest, ';');
            rest = tail;
            if (trim(param) == apt) return c.pt;
        }
    }
    return std::nullopt;
}

bool direction_fits(Direction d, OfferUse use) {
    if (d == Direction::sendrecv) return true;
    return use == OfferUse::publish ? d == Direction::sendonly : d == Direction::recvonly;
}

// "70:cc:..." → "70:CC:...", or "" when it is not 32 hex bytes joined by ':'.
std::string sha256_fingerprint(std::string_view fp) {
    if (fp.size() != 32 * 3 - 1) return {};
    std::string out(fp);
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (i % 3 == 2) {
            if (out[i] != ':') return {};
        } else if (hex_digit(out[i]) < 0) {
            return {};
        } else if (out[i] >= 'a') {
            out[i] = static_cast<char>(out[i] - 'a' + 'A');
        }
    }
    return out;
}

// RFC 8839 §5.4: ice-ufrag is 4-256 ice-chars, ice-pwd 22-256; ice-char = ALPHA / DIGIT / "+" /
// "/". A short password would weaken every MESSAGE-INTEGRITY check keyed with it.
bool ice_credential(std::string_view s, std::size_t min) {
    if (s.size() < min || s.size() > 256) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '+' || c == '/';
    });
}

std::string describe(std::size_t index, const MediaSection& m) {
    std::string s = "m-line " + std::to_string(index + 1);
    if (!m.mid.empty()) s += " (mid " + m.mid + ")";
    return s;
}

}  // namespace

std::optional<H264Profile> parse_h264_fmtp(std::string_view fmtp) {
    H264Profile p{.profile_idc = 0x42, .constraints = 0x00, .level_idc = 0x0a};
    while (!fmtp.empty()) {
        auto [param, rest] = split_first(fmtp, ';');
        fmtp = rest;
        auto [key, value] = split_first(trim(param), '=');
        key = trim(key);
        value = trim(value);
        if (iequals(key, "profile-level-id")) {
            if (value.size() != 6) return std::nullopt;
            std::array<std::uint8_t, 3> b{};
            for (std::size_t i = 0; i < 3; ++i) {
                int hi = hex_digit(value[2 * i]), lo = hex_digit(value[2 * i + 1]);
                if (hi < 0 || lo < 0) return std::nullopt;
                b[i] = static_cast<std::uint8_t>(hi << 4 | lo);
            }
            p.profile_idc = b[0];
            p.constraints = b[1];
            p.level_idc = b[2];
        } else if (iequals(key, "packetization-mode")) {
            if (value != "0" && value != "1" && value != "2") return std::nullopt;
            p.packetization_mode = value[0] - '0';
        } else if (iequals(key, "level-asymmetry-allowed")) {
            p.level_asymmetry_allowed = value == "1";
        }
    }
    return p;
}

std::variant<Negotiated, SdpError> negotiate(const SessionDescription& offer, OfferUse use) {
    if (offer.bundle_mids.empty()) return SdpError{"the offer has no BUNDLE group"};
    Negotiated n;
    n.use = use;
    std::size_t audio = 0, video = 0;
    const MediaSection* transport = nullptr;
    for (std::size_t i = 0; i < offer.media.size(); ++i) {
        const MediaSection& m = offer.media[i];
        MediaChoice choice{.mid = m.mid, .kind = m.kind};
        const bool rtp = m.protocol.find("RTP/SAVPF") != std::string::npos;
        const bool live = m.port != 0 || m.bundle_only;
        const RtpCodec* codec = nullptr;
        if (rtp && live && direction_fits(m.direction, use)) {
            if (m.kind == "video") codec = choose_video(m);
            if (m.kind == "audio") codec = choose_audio(m);
        }
        if (codec) {
            std::size_t& count = m.kind == "video" ? video : audio;
            if (++count > 1) {
                if (use == OfferUse::publish) {
                    return SdpError{"the offer has more than one " + m.kind +
                                    " m-line; WHIP takes at most one audio and one video track"};
                }
                codec = nullptr;  // play: we send one stream, the extra track stays unused
            }
        }
        if (codec) {
            if (m.mid.empty()) return SdpError{describe(i, m) + " has no a=mid"};
            if (std::find(offer.bundle_mids.begin(), offer.bundle_mids.end(), m.mid) ==
                offer.bundle_mids.end()) {
                return SdpError{describe(i, m) + " is not in the BUNDLE group"};
            }
            if (!m.rtcp_mux) return SdpError{describe(i, m) + " has no a=rtcp-mux"};
            choice.accepted = true;
            choice.codec = *codec;
            choice.rtx_pt = rtx_for(m, codec->pt);
            for (const auto& fb : codec->rtcp_fb) {
                if (std::find(kKeptFeedback.begin(), kKeptFeedback.end(), fb) !=
                        kKeptFeedback.end() &&
                    std::find(choice.rtcp_fb.begin(), choice.rtcp_fb.end(), fb) ==
                        choice.rtcp_fb.end()) {
                    choice.rtcp_fb.push_back(fb);
                }
            }
            for (const auto& x : m.extmaps) {
                if (std::find(kKeptExtensions.begin(), kKeptExtensions.end(), x.uri) !=
                    kKeptExtensions.end()) {
                    choice.extmaps.push_back(x);
                }
            }
            choice.remote_ssrcs = m.ssrcs;
            if (!transport) transport = &m;
        }
        n.media.push_back(std::move(choice));
    }
    for (std::size_t i = 0; i < n.media.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (n.media[i].accepted && n.media[j].accepted && n.media[i].mid == n.media[j].mid) {
                return SdpError{"two m-lines share a=mid:" + n.media[i].mid};
            }
        }
    }
    if (!transport) return SdpError{"the offer has no H.264, VP8 or Opus media"};

    // BUNDLE: one transport, that of the first accepted m-line (RFC 9143 §7.3.1).
    const MediaSection& t = *transport;
    if (t.ice_ufrag.empty() || t.ice_pwd.empty()) {
        return SdpError{"the offer has no a=ice-ufrag and a=ice-pwd"};
    }
    if (!ice_credential(t.ice_ufrag, 4) || !ice_credential(t.ice_pwd, 22)) {
        return SdpError{
            "a=ice-ufrag must be 4-256 and a=ice-pwd 22-256 letters, digits, '+' or '/'"};
    }
    if (!iequals(t.fingerprint_algorithm, "sha-256")) {
        return SdpError{"the offer has no a=fingerprint:sha-256"};
    }
    n.remote_fingerprint = sha256_fingerprint(t.fingerprint);
    if (n.remote_fingerprint.empty()) return SdpError{"the a=fingerprint:sha-256 is malformed"};
    if (t.setup == "passive") {
        return SdpError{"a=setup:passive is not allowed: the offer must be actpass or active"};
    }
    if (t.setup != "actpass" && t.setup != "active") {
        return SdpError{"the offer has no a=setup:actpass or a=setup:active"};
    }
    n.remote_ufrag = t.ice_ufrag;
    n.remote_pwd = t.ice_pwd;
    n.remote_setup = t.setup;
    return n;
}

}  // namespace nchat::webrtc
