// build_answer: our SDP answer (JSEP RFC 9429 §5.3.1) as an ICE-lite, DTLS-passive server.
#include <string>

#include "webrtc/sdp.hpp"

namespace nchat::webrtc {
namespace {

// RFC 8445 §5.1.2.1: (2^24)*type-pref + (2^8)*local-pref + (256 - component).
// Host UDP: type 126, local 65535. Host TCP passive (RFC 6544 §4.2): a lower type, 90, so a
// browser prefers UDP wherever it works, and local-pref (2^13)*direction-pref + other-pref
// with passive's direction-pref 4 and other-pref 8191: 90*2^24 + 40959*2^8 + 255.
constexpr std::string_view kUdpPriority = "2130706431";
constexpr std::string_view kTcpPriority = "1520435199";

class Writer {
public:
    Writer& operator<<(std::string_view s) {
        out_ += s;
        return *this;
    }
    Writer& operator<<(std::uint64_t v) {
        out_ += std::to_string(v);
        return *this;
    }
    void end() { out_ += "\r\n"; }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

void media_line(Writer& w, const MediaSection& m, bool accepted, const MediaChoice& c) {
    w << "m=" << m.kind << " " << (accepted ? "9" : "0") << " " << m.protocol;
    if (accepted) {
        w << " " << std::uint64_t{c.codec.pt};
    } else {
        for (const auto& f : m.formats) {
            w << " " << f;
        }
    }
    w.end();
    w << "c=IN IP4 0.0.0.0";
    w.end();
}

// The offer's fmtp without sprop-* parameters: those describe the offerer's own stream
// (RFC 6184 §8.1 sprop-parameter-sets, RFC 7587 sprop-stereo) and are not ours to declare.
std::string answer_fmtp(std::string_view fmtp) {
    std::string out;
    while (!fmtp.empty()) {
        auto semi = fmtp.find(';');
        std::string_view param = fmtp.substr(0, semi);
        fmtp = semi == std::string_view::npos ? std::string_view{} : fmtp.substr(semi + 1);
        while (!param.empty() && param.front() == ' ') {
            param.remove_prefix(1);
        }
        if (param.empty() || param.starts_with("sprop-")) continue;
        if (!out.empty()) out += ';';
        out += param;
    }
    return out;
}

void codec_lines(Writer& w, const MediaChoice& c) {
    const auto pt = std::uint64_t{c.codec.pt};
    w << "a=rtpmap:" << pt << " " << c.codec.name << "/" << std::uint64_t{c.codec.clock};
    if (c.codec.channels > 1) w << "/" << std::uint64_t{c.codec.channels};
    w.end();
    if (auto fmtp = answer_fmtp(c.codec.fmtp); !fmtp.empty()) {
        w << "a=fmtp:" << pt << " " << fmtp;
        w.end();
    }
    for (const auto& fb : c.rtcp_fb) {
        w << "a=rtcp-fb:" << pt << " " << fb;
        w.end();
    }
}

void transport_lines(Writer& w, const LocalDescription& local) {
    w << "a=ice-ufrag:" << local.ice_ufrag;
    w.end();
    w << "a=ice-pwd:" << local.ice_pwd;
    w.end();
    w << "a=fingerprint:sha-256 " << local.fingerprint_sha256;
    w.end();
    w << "a=setup:passive";  // RFC 8842 §5.3: the answerer to actpass picks; we wait for the
    w.end();                 // browser's ClientHello
    std::uint64_t foundation = 1;
    for (const auto& cand : local.candidates) {
        w << "a=candidate:" << foundation++ << " 1 " << (cand.tcp ? "tcp " : "udp ")
          << (cand.tcp ? kTcpPriority : kUdpPriority) << " " << cand.address << " "
          << std::uint64_t{cand.port} << " typ host";
        if (cand.tcp) w << " tcptype passive";
        w.end();
    }
    w << "a=end-of-candidates";
    w.end();
}

}  // namespace

std::string build_answer(const SessionDescription& offer,
                         const Negotiated& n,
                         const LocalDescription& local) {
    Writer w;
    w << "v=0";
    w.end();
    w << "o=- " << local.session_id << " 2 IN IP4 127.0.0.1";
    w.end();
    w << "s=-";
    w.end();
    w << "t=0 0";
    w.end();
    w << "a=ice-lite";
    w.end();
    // Also at session level (RFC 8122 §5): GStreamer's webrtcbin refuses an answer whose
    // rejected m-line (port 0, no transport lines) has no fingerprint in scope.
    w << "a=fingerprint:sha-256 " << local.fingerprint_sha256;
    w.end();
    w << "a=group:BUNDLE";
    for (const auto& c : n.media) {
        if (c.accepted) w << " " << c.mid;
    }
    w.end();
    const bool play = n.use == OfferUse::play;
    if (play) {
        w << "a=msid-semantic: WMS *";
        w.end();
    }
    for (std::size_t i = 0; i < offer.media.size(); ++i) {
        const MediaSection& m = offer.media[i];
        static const MediaChoice kRejected;
        const MediaChoice& c = i < n.media.size() ? n.media[i] : kRejected;
        media_line(w, m, c.accepted, c);
        if (!m.mid.empty()) {
            w << "a=mid:" << m.mid;
            w.end();
        }
        if (!c.accepted) continue;
        const LocalSsrc* ssrc = nullptr;
        if (play && i < local.ssrcs.size() && local.ssrcs[i]) ssrc = &*local.ssrcs[i];
        w << (play ? "a=sendonly" : "a=recvonly");
        w.end();
        w << "a=rtcp-mux";
        w.end();
        transport_lines(w, local);
        codec_lines(w, c);
        for (const auto& x : c.extmaps) {
            w << "a=extmap:" << std::uint64_t{x.id} << " " << x.uri;
            w.end();
        }
        if (ssrc) {
            w << "a=msid:" << ssrc->stream_id << " " << ssrc->track_id;
            w.end();
            w << "a=ssrc:" << std::uint64_t{ssrc->ssrc} << " cname:" << ssrc->cname;
            w.end();
            w << "a=ssrc:" << std::uint64_t{ssrc->ssrc} << " msid:" << ssrc->stream_id << " "
              << ssrc->track_id;
            w.end();
        }
    }
    return w.take();
}

}  // namespace nchat::webrtc
