// parse_sdp and parse_sdpfrag_candidates: SDP text (RFC 8866) into SessionDescription.
#include <algorithm>
#include <array>
#include <charconv>

#include "webrtc/detail/sdp_text.hpp"
#include "webrtc/limits.hpp"
#include "webrtc/sdp.hpp"

namespace nchat::webrtc {
namespace {

using detail::parse_number;
using detail::split_first;
using detail::trim;
using detail::words;

// Builds a SessionDescription line by line; the first error stops it.
class Parser {
public:
    std::optional<SdpError> line(std::size_t no, std::string_view text);
    std::variant<SessionDescription, SdpError> finish();

private:
    SdpError fail(std::string what) const {
        return SdpError{"line " + std::to_string(line_no_) + ": " + std::move(what)};
    }
    std::optional<SdpError> media_line(std::string_view value);
    std::optional<SdpError> attribute(std::string_view name, std::string_view value);
    std::optional<SdpError> media_attribute(std::string_view name, std::string_view value);
    std::optional<SdpError> payload_type(std::string_view attr,
                                         std::string_view value,
                                         std::uint8_t& pt,
                                         std::string_view& rest) const;
    RtpCodec* codec(std::uint8_t pt);
    void finish_media();
    static void set_fingerprint(MediaSection& m, std::string_view value);

    SessionDescription sd_;
    MediaSection session_;  // session-level transport attributes, inherited by the media
    bool seen_version_ = false;
    std::size_t line_no_ = 0;
    // Per current m-line:
    std::array<bool, 128> in_formats_{};
    std::vector<std::string> wildcard_fb_;
    std::string ssrc_msid_;
};

std::optional<SdpError> Parser::line(std::size_t no, std::string_view text) {
    line_no_ = no;
    if (text.size() > limits::kMaxSdpLineLength) return fail("the line is too long");
    if (text.size() < 2 || text[1] != '=') return fail("not of the form <type>=<value>");
    const char type = text[0];
    const std::string_view value = text.substr(2);
    if (!seen_version_) {
        if (type != 'v' || trim(value) != "0") return fail("the description must start with v=0");
        seen_version_ = true;
        return std::nullopt;
    }
    if (type == 'm') return media_line(value);
    if (type != 'a') return std::nullopt;  // o=, s=, t=, c=, b=: nothing we use
    auto [name, val] = split_first(value, ':');
    return attribute(trim(name), trim(val));
}

std::optional<SdpError> Parser::media_line(std::string_view value) {
    if (!sd_.media.empty()) finish_media();
    if (sd_.media.size() >= limits::kMaxSdpMediaSections) {
        return fail("more than " + std::to_string(limits::kMaxSdpMediaSections) + " m-lines");
    }
    std::vector<std::string_view> w;
    if (!words(value, limits::kMaxSdpFormats + 3, w)) return fail("too many formats");
    if (w.size() < 4) return fail("an m= line needs a port, a protocol and at least one format");
    MediaSection m;
    m.kind = std::string(w[0]);
    auto [port, count] = split_first(w[1], '/');
    if (!parse_number(port, 65535, m.port)) return fail("the m= port is not a number");
    m.protocol = std::string(w[2]);
    in_formats_.fill(false);
    for (std::size_t i = 3; i < w.size(); ++i) {
        m.formats.emplace_back(w[i]);
        std::uint8_t pt = 0;
        if (parse_number(w[i], 127, pt)) in_formats_[pt] = true;
    }
    wildcard_fb_.clear();
    ssrc_msid_.clear();
    sd_.media.push_back(std::move(m));
    return std::nullopt;
}

std::optional<SdpError> Parser::attribute(std::string_view name, std::string_view value) {
    if (!sd_.media.empty()) return media_attribute(name, value);
    if (name == "ice-lite") {
        sd_.ice_lite = true;
    } else if (name == "group") {
        std::vector<std::string_view> w;
        if (!words(value, limits::kMaxSdpMediaSections + 1, w)) return fail("BUNDLE too long");
        if (!w.empty() && w[0] == "BUNDLE" && sd_.bundle_mids.empty()) {
            for (std::size_t i = 1; i < w.size(); ++i) {
                sd_.bundle_mids.emplace_back(w[i]);
            }
        }
    } else if (name == "ice-ufrag") {
        session_.ice_ufrag = value;
    } else if (name == "ice-pwd") {
        session_.ice_pwd = value;
    } else if (name == "fingerprint") {
        set_fingerprint(session_, value);
    } else if (name == "setup") {
        session_.setup = value;
    }
    return std::nullopt;
}

std::optional<SdpError> Parser::payload_type(std::string_view attr,
                                             std::string_view value,
                                             std::uint8_t& pt,
                                             std::string_view& rest) const {
    auto [num, tail] = split_first(value, ' ');
    if (num.empty()) return fail("a=" + std::string(attr) + " without a payload type");
    if (!parse_number(num, 127, pt)) {
        return fail("a=" + std::string(attr) + ": payload type " + std::string(num) +
                    " is not 0-127");
    }
    rest = trim(tail);
    return std::nullopt;
}

std::optional<SdpError> Parser::media_attribute(std::string_view name, std::string_view value) {
    MediaSection& m = sd_.media.back();
    std::uint8_t pt = 0;
    std::string_view rest;
    if (name == "mid") {
        m.mid = value;
    } else if (name == "sendrecv") {
        m.direction = Direction::sendrecv;
    } else if (name == "sendonly") {
        m.direction = Direction::sendonly;
    } else if (name == "recvonly") {
        m.direction = Direction::recvonly;
    } else if (name == "inactive") {
        m.direction = Direction::inactive;
    } else if (name == "rtcp-mux") {
        m.rtcp_mux = true;
    } else if (name == "bundle-only") {
        m.bundle_only = true;
    } else if (name == "ice-ufrag") {
        m.ice_ufrag = value;
    } else if (name == "ice-pwd") {
        m.ice_pwd = value;
    } else if (name == "fingerprint") {
        set_fingerprint(m, value);
    } else if (name == "setup") {
        m.setup = value;
    } else if (name == "msid") {
        m.msid = value;
    } else if (name == "rtpmap") {
        if (auto e = payload_type(name, value, pt, rest)) return e;
        std::vector<std::string_view> parts;
        if (!words(rest, 3, parts, '/') || parts.size() < 2 || parts[0].empty()) {
            return fail("a=rtpmap:" + std::to_string(pt) + " needs <name>/<clock rate>");
        }
        RtpCodec c;
        c.name = parts[0];
        if (!parse_number(parts[1], 0xFFFFFFFFu, c.clock) ||
            (parts.size() == 3 && !parse_number(parts[2], 255, c.channels))) {
            return fail("a=rtpmap:" + std::to_string(pt) +
                        " has a malformed clock rate or channels");
        }
        if (RtpCodec* existing = codec(pt); existing && existing->name.empty()) {
            existing->name = std::move(c.name);
            existing->clock = c.clock;
            existing->channels = c.channels;
        }
    } else if (name == "fmtp") {
        if (auto e = payload_type(name, value, pt, rest)) return e;
        if (RtpCodec* c = codec(pt); c && c->fmtp.empty()) c->fmtp = rest;
    } else if (name == "rtcp-fb") {
        auto [target, fb] = split_first(value, ' ');
        if (trim(fb).empty()) return fail("a=rtcp-fb without a feedback type");
        if (target == "*") {
            if (wildcard_fb_.size() >= limits::kMaxSdpRtcpFb) return fail("too many a=rtcp-fb");
            wildcard_fb_.emplace_back(trim(fb));
            return std::nullopt;
        }
        if (auto e = payload_type(name, value, pt, rest)) return e;
        if (RtpCodec* c = codec(pt)) {
            if (c->rtcp_fb.size() >= limits::kMaxSdpRtcpFb) return fail("too many a=rtcp-fb");
            c->rtcp_fb.emplace_back(rest);
        }
    } else if (name == "extmap") {
        auto [id_dir, tail] = split_first(value, ' ');
        auto [id_text, dir] = split_first(id_dir, '/');
        Extmap x;
        auto [uri, attrs] = split_first(trim(tail), ' ');
        if (!parse_number(id_text, 255, x.id) || x.id == 0 || uri.empty()) {
            return fail("a=extmap needs an id 1-255 and a URI");
        }
        if (m.extmaps.size() >= limits::kMaxSdpExtmaps) return fail("too many a=extmap");
        x.uri = uri;
        m.extmaps.push_back(std::move(x));
    } else if (name == "ssrc") {
        auto [num, attr] = split_first(value, ' ');
        std::uint32_t ssrc = 0;
        if (!parse_number(num, 0xFFFFFFFFu, ssrc)) return fail("a=ssrc without an SSRC");
        if (std::find(m.ssrcs.begin(), m.ssrcs.end(), ssrc) == m.ssrcs.end()) {
            if (m.ssrcs.size() >= limits::kMaxSdpSsrcs) return fail("too many SSRCs");
            m.ssrcs.push_back(ssrc);
        }
        auto [key, val] = split_first(trim(attr), ':');
        if (key == "msid" && ssrc_msid_.empty()) ssrc_msid_ = trim(val);
    } else if (name == "ssrc-group") {
        std::vector<std::string_view> w;
        std::uint32_t a = 0, b = 0;
        if (words(value, 3, w) && w.size() == 3 && w[0] == "FID" &&
            parse_number(w[1], 0xFFFFFFFFu, a) && parse_number(w[2], 0xFFFFFFFFu, b)) {
            if (!m.fid_group) m.fid_group.emplace(a, b);
        }
    }
    return std::nullopt;
}

// The codec for `pt` if the m= line lists it (fmtp and rtcp-fb may come before rtpmap).
RtpCodec* Parser::codec(std::uint8_t pt) {
    if (pt >= in_formats_.size() || !in_formats_[pt]) return nullptr;
    auto& codecs = sd_.media.back().codecs;
    auto it = std::find_if(codecs.begin(), codecs.end(), [&](auto& c) { return c.pt == pt; });
    if (it != codecs.end()) return &*it;
    codecs.push_back(RtpCodec{.pt = pt});
    return &codecs.back();
}

void Parser::set_fingerprint(MediaSection& m, std::string_view value) {
    auto [alg, fp] = split_first(value, ' ');
    const bool sha256 = detail::iequals(alg, "sha-256");
    if (m.fingerprint.empty() || (sha256 && !detail::iequals(m.fingerprint_algorithm, "sha-256"))) {
        m.fingerprint_algorithm = alg;
        m.fingerprint = trim(fp);
    }
}

void Parser::finish_media() {
    MediaSection& m = sd_.media.back();
    std::vector<RtpCodec> ordered;
    for (const auto& f : m.formats) {
        for (auto& c : m.codecs) {
            if (!c.name.empty() && std::to_string(c.pt) == f) ordered.push_back(std::move(c));
        }
    }
    for (auto& c : ordered) {
        for (const auto& fb : wildcard_fb_) {
            if (c.rtcp_fb.size() < limits::kMaxSdpRtcpFb &&
                std::find(c.rtcp_fb.begin(), c.rtcp_fb.end(), fb) == c.rtcp_fb.end()) {
                c.rtcp_fb.push_back(fb);
            }
        }
    }
    m.codecs = std::move(ordered);
    if (m.msid.empty()) m.msid = ssrc_msid_;
}

std::variant<SessionDescription, SdpError> Parser::finish() {
    if (!seen_version_) return SdpError{"the description is empty"};
    if (!sd_.media.empty()) finish_media();
    for (auto& m : sd_.media) {
        if (m.ice_ufrag.empty()) m.ice_ufrag = session_.ice_ufrag;
        if (m.ice_pwd.empty()) m.ice_pwd = session_.ice_pwd;
        if (m.fingerprint.empty()) {
            m.fingerprint_algorithm = session_.fingerprint_algorithm;
            m.fingerprint = session_.fingerprint;
        }
        if (m.setup.empty()) m.setup = session_.setup;
    }
    return std::move(sd_);
}

}  // namespace

std::variant<SessionDescription, SdpError> parse_sdp(std::string_view text) {
    if (text.size() > limits::kMaxSdpSize) {
        return SdpError{"the description is over " + std::to_string(limits::kMaxSdpSize) +
                        " bytes"};
    }
    Parser p;
    std::size_t no = 0;
    while (!text.empty()) {
        auto [line, rest] = split_first(text, '\n');
        text = rest;
        if (++no > limits::kMaxSdpLines) {
            return SdpError{"the description has more than " +
                            std::to_string(limits::kMaxSdpLines) + " lines"};
        }
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        if (auto e = p.line(no, line)) return *e;
    }
    return p.finish();
}

std::vector<std::string> parse_sdpfrag_candidates(std::string_view body) {
    std::vector<std::string> out;
    std::size_t lines = 0;
    while (!body.empty() && out.size() < limits::kMaxSdpCandidates &&
           ++lines <= limits::kMaxSdpLines) {
        auto [line, rest] = split_first(body, '\n');
        body = rest;
        line = trim(line);
        if (line.starts_with("a=candidate:") && line.size() <= limits::kMaxSdpLineLength) {
            out.emplace_back(line.substr(12));
        }
    }
    return out;
}

}  // namespace nchat::webrtc
