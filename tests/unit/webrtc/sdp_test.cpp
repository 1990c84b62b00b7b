#include "webrtc/sdp.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace nchat::webrtc {
namespace {

// Offers under data/, found beside this file:
// - chromium-offer.sdp: Chromium's offer (shared/samples), audio + video sendrecv.
// - gstreamer-offer.sdp: captured from GStreamer 1.22 webrtcbin (x264enc ! rtph264pay and
//   opusenc ! rtpopuspay, sendonly, max-bundle): bundle-only audio on port 0, "OPUS".
// - firefox-offer.sdp: HAND-WRITTEN in Firefox's style (not a capture): session-level
//   fingerprint, a=fmtp before a=rtpmap, extmap directions, H.264 42e01f pm=1 and pm=0, CRLF.
// Ninja compiles with paths relative to the build root, the test binary's parent directory.
std::filesystem::path data_dir() {
    const std::filesystem::path here = std::filesystem::path(__FILE__).parent_path() / "data";
    if (here.is_absolute()) return here;
    std::error_code ec;
    auto exe = std::filesystem::canonical("/proc/self/exe", ec);
    for (auto base = exe.parent_path(); !ec && base.has_relative_path();
         base = base.parent_path()) {
        if (std::filesystem::exists(base / here)) return base / here;
    }
    return here;
}

std::string offer_text(const char* name) {
    auto path = data_dir() / name;
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << path;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

SessionDescription parsed(std::string_view text) {
    auto r = parse_sdp(text);
    if (auto* e = std::get_if<SdpError>(&r)) {
        ADD_FAILURE() << e->what;
        return {};
    }
    return std::get<SessionDescription>(std::move(r));
}

Negotiated negotiated(const SessionDescription& sd, OfferUse use) {
    auto r = negotiate(sd, use);
    if (auto* e = std::get_if<SdpError>(&r)) {
        ADD_FAILURE() << e->what;
        return {};
    }
    return std::get<Negotiated>(std::move(r));
}

std::string error_of(const SessionDescription& sd, OfferUse use) {
    auto r = negotiate(sd, use);
    auto* e = std::get_if<SdpError>(&r);
    return e ? e->what : "(no error)";
}

std::string parse_error(std::string_view text) {
    auto r = parse_sdp(text);
    auto* e = std::get_if<SdpError>(&r);
    return e ? e->what : "(no error)";
}

// The offer with LF line ends (also a parser case of its own): edits below match "\n".
std::string lf(std::string s) {
    std::erase(s, '\r');
    return s;
}

std::string replace(std::string s, std::string_view from, std::string_view to) {
    for (auto i = s.find(from); i != std::string::npos; i = s.find(from, i + to.size()))
        s.replace(i, from.size(), to);
    return s;
}

LocalDescription local() {
    LocalDescription l;
    l.ice_ufrag = "srv1";
    l.ice_pwd = "0123456789abcdefghijkl";
    l.fingerprint_sha256 =
        "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:"
        "77:88:99";
    l.candidates = {{"203.0.113.5", 8443, false}, {"203.0.113.5", 8443, true}};
    l.session_id = 42;
    return l;
}

TEST(SdpParse, Chromium) {
    auto sd = parsed(offer_text("chromium-offer.sdp"));
    EXPECT_FALSE(sd.ice_lite);
    EXPECT_EQ(sd.bundle_mids, (std::vector<std::string>{"0", "1"}));
    ASSERT_EQ(sd.media.size(), 2u);
    const auto& a = sd.media[0];
    EXPECT_EQ(a.kind, "audio");
    EXPECT_EQ(a.port, 46923);
    EXPECT_EQ(a.protocol, "UDP/TLS/RTP/SAVPF");
    EXPECT_EQ(a.formats.size(), 8u);
    EXPECT_EQ(a.mid, "0");
    EXPECT_EQ(a.direction, Direction::sendrecv);
    EXPECT_TRUE(a.rtcp_mux);
    EXPECT_EQ(a.ice_ufrag, "zZ/f");
    EXPECT_EQ(a.ice_pwd, "QmQT0IsWoPEvrvqiFsPS+slJ");
    EXPECT_EQ(a.fingerprint_algorithm, "sha-256");
    EXPECT_EQ(a.setup, "actpass");
    ASSERT_EQ(a.codecs.size(), 8u);
    EXPECT_EQ(a.codecs[0].pt, 111);
    EXPECT_EQ(a.codecs[0].name, "opus");
    EXPECT_EQ(a.codecs[0].clock, 48000u);
    EXPECT_EQ(a.codecs[0].channels, 2);
    EXPECT_EQ(a.codecs[0].fmtp, "minptime=10;useinbandfec=1");
    EXPECT_EQ(a.codecs[0].rtcp_fb, std::vector<std::string>{"transport-cc"});
    EXPECT_EQ(a.extmaps.size(), 4u);
    EXPECT_EQ(a.ssrcs, std::vector<std::uint32_t>{372712965});
    EXPECT_EQ(a.msid, "2f8a51b1-f068-4783-bda1-b098d88ce559 dd08eee6-c34b-47c8-891b-954219ed67a2");
    const auto& v = sd.media[1];
    EXPECT_EQ(v.codecs.size(), 23u);
    EXPECT_EQ(v.codecs[0].name, "VP8");
    EXPECT_EQ(v.codecs[0].rtcp_fb.size(), 5u);
    EXPECT_EQ(v.fid_group, (std::pair<std::uint32_t, std::uint32_t>{4213128568u, 396336995u}));
    EXPECT_EQ(v.ssrcs.size(), 2u);
}

TEST(SdpParse, GStreamerBundleOnlyAndUpperCaseOpus) {
    auto sd = parsed(offer_text("gstreamer-offer.sdp"));
    ASSERT_EQ(sd.media.size(), 2u);
    EXPECT_EQ(sd.bundle_mids, (std::vector<std::string>{"video0", "audio1"}));
    EXPECT_EQ(sd.media[1].port, 0);
    EXPECT_TRUE(sd.media[1].bundle_only);
    EXPECT_EQ(sd.media[0].direction, Direction::sendonly);
    EXPECT_FALSE(sd.media[0].msid.empty());  // from a=ssrc:N msid:, it has no a=msid
}

TEST(SdpParse, FirefoxSessionLevelFingerprintAndFmtpFirst) {
    auto sd = parsed(offer_text("firefox-offer.sdp"));
    ASSERT_EQ(sd.media.size(), 2u);
    EXPECT_EQ(sd.media[1].fingerprint_algorithm, "sha-256");
    EXPECT_EQ(sd.media[1].fingerprint.substr(0, 5), "5A:1E");
    const auto& v = sd.media[1];
    ASSERT_FALSE(v.codecs.empty());
    EXPECT_EQ(v.codecs[0].name, "VP8");
    EXPECT_EQ(v.codecs[0].fmtp, "max-fs=12288;max-fr=60");
    EXPECT_EQ(v.extmaps[3].id, 6);  // "6/recvonly"
}

TEST(SdpParse, Errors) {
    EXPECT_EQ(parse_error(""), "the description is empty");
    EXPECT_EQ(parse_error("o=- 1 1 IN IP4 0.0.0.0\n"),
              "line 1: the description must start with v=0");
    EXPECT_EQ(parse_error("v=0\nm=audio 9 UDP/TLS/RTP/SAVPF 111\na=rtpmap:\n"),
              "line 3: a=rtpmap without a payload type");
    EXPECT_EQ(parse_error("v=0\nm=audio 9 UDP/TLS/RTP/SAVPF 111\na=rtpmap:300 opus/48000\n"),
              "line 3: a=rtpmap: payload type 300 is not 0-127");
    EXPECT_EQ(parse_error("v=0\nm=audio x UDP/TLS/RTP/SAVPF 111\n"),
              "line 2: the m= port is not a number");
    EXPECT_EQ(parse_error("v=0\nm=audio 9\n"),
              "line 2: an m= line needs a port, a protocol and at least one format");
    EXPECT_EQ(parse_error("v=0\nnonsense\n"), "line 2: not of the form <type>=<value>");
    std::string many = "v=0\n";
    for (int i = 0; i < 20; ++i)
        many += "m=audio 9 RTP/AVP 0\n";
    EXPECT_EQ(parse_error(many), "line 18: more than 16 m-lines");
    EXPECT_EQ(parse_error("v=0\na=x:" + std::string(5000, 'y') + "\n"),
              "line 2: the line is too long");
}

TEST(SdpH264, Fmtp) {
    auto p =
        parse_h264_fmtp("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->profile_idc, 0x42);
    EXPECT_EQ(p->constraints, 0xe0);
    EXPECT_EQ(p->level_idc, 0x1f);
    EXPECT_EQ(p->packetization_mode, 1);
    EXPECT_TRUE(p->level_asymmetry_allowed);
    auto d = parse_h264_fmtp("");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->level_idc, 0x0a);
    EXPECT_EQ(d->packetization_mode, 0);
    EXPECT_EQ(parse_h264_fmtp("profile-level-id=42E01F")->constraints, 0xe0);
    EXPECT_FALSE(parse_h264_fmtp("profile-level-id=42e0"));
    EXPECT_FALSE(parse_h264_fmtp("profile-level-id=zze01f"));
    EXPECT_FALSE(parse_h264_fmtp("packetization-mode=7"));
}

TEST(SdpNegotiate, ChromiumPublishChoosesH264ConstrainedBaseline) {
    auto n = negotiated(parsed(offer_text("chromium-offer.sdp")), OfferUse::publish);
    ASSERT_EQ(n.media.size(), 2u);
    EXPECT_TRUE(n.media[0].accepted);
    EXPECT_EQ(n.media[0].codec.pt, 111);
    EXPECT_EQ(n.media[0].rtcp_fb, std::vector<std::string>{"transport-cc"});
    const auto& v = n.media[1];
    EXPECT_TRUE(v.accepted);
    EXPECT_EQ(v.mid, "1");
    EXPECT_EQ(v.codec.pt, 108);  // 42e01f pm=1, before 102 (42001f) offered first
    EXPECT_EQ(v.rtx_pt, 109);
    EXPECT_EQ(v.rtcp_fb.size(), 5u);
    ASSERT_EQ(v.extmaps.size(), 3u);  // abs-send-time, transport-wide-cc, sdes:mid
    EXPECT_EQ(v.extmaps[0].id, 2);
    EXPECT_EQ(v.extmaps[1].id, 3);
    EXPECT_EQ(v.extmaps[2].id, 4);
    EXPECT_EQ(v.remote_ssrcs.size(), 2u);
    EXPECT_EQ(n.remote_ufrag, "zZ/f");
    EXPECT_EQ(n.remote_pwd, "QmQT0IsWoPEvrvqiFsPS+slJ");
    EXPECT_EQ(n.remote_setup, "actpass");
    EXPECT_EQ(n.remote_fingerprint.substr(0, 8), "70:CC:DA");
}

TEST(SdpNegotiate, ChromiumPlay) {  // sendrecv fits both uses
    auto n = negotiated(parsed(offer_text("chromium-offer.sdp")), OfferUse::play);
    EXPECT_TRUE(n.media[0].accepted);
    EXPECT_EQ(n.media[1].codec.pt, 108);
    EXPECT_EQ(n.use, OfferUse::play);
}

TEST(SdpNegotiate, GStreamerPublish) {
    auto sd = parsed(offer_text("gstreamer-offer.sdp"));
    auto n = negotiated(sd, OfferUse::publish);
    EXPECT_TRUE(n.media[0].accepted);
    EXPECT_EQ(n.media[0].codec.name, "H264");  // 42c015: constrained baseline
    EXPECT_TRUE(n.media[1].accepted);          // bundle-only, port 0
    EXPECT_EQ(n.media[1].codec.name, "OPUS");
    EXPECT_EQ(error_of(sd, OfferUse::play), "the offer has no H.264, VP8 or Opus media");
}

TEST(SdpNegotiate, FirefoxPublish) {
    auto n = negotiated(parsed(offer_text("firefox-offer.sdp")), OfferUse::publish);
    EXPECT_EQ(n.media[0].codec.pt, 109);
    EXPECT_EQ(n.media[1].codec.pt, 126);  // pm=1, not 97 (pm=0)
    EXPECT_EQ(n.media[1].rtx_pt, 127);
    EXPECT_EQ(n.remote_ufrag, "3f9a61c2");
    EXPECT_EQ(n.remote_fingerprint.substr(0, 5), "5A:1E");
}

TEST(SdpNegotiate, Vp8WhenNoH264) {
    auto text = replace(offer_text("firefox-offer.sdp"), "H264/90000", "H265/90000");
    auto n = negotiated(parsed(text), OfferUse::publish);
    EXPECT_EQ(n.media[1].codec.name, "VP8");
    EXPECT_EQ(n.media[1].codec.pt, 120);
    EXPECT_EQ(n.media[1].rtx_pt, 124);
}

TEST(SdpNegotiate, Errors) {
    const auto chromium = lf(offer_text("chromium-offer.sdp"));
    EXPECT_EQ(error_of(parsed(replace(chromium, "a=group:BUNDLE 0 1\n", "")), OfferUse::publish),
              "the offer has no BUNDLE group");
    EXPECT_EQ(error_of(parsed(replace(chromium, "a=group:BUNDLE 0 1", "a=group:BUNDLE 0")),
                       OfferUse::publish),
              "m-line 2 (mid 1) is not in the BUNDLE group");
    EXPECT_EQ(error_of(parsed(replace(chromium, "a=rtcp-mux\n", "")), OfferUse::publish),
              "m-line 1 (mid 0) has no a=rtcp-mux");
    EXPECT_EQ(
        error_of(parsed(replace(chromium, "setup:actpass", "setup:passive")), OfferUse::publish),
        "a=setup:passive is not allowed: the offer must be actpass or active");
    EXPECT_EQ(error_of(parsed(replace(chromium, "a=ice-pwd:", "a=x-ice-pwd:")), OfferUse::publish),
              "the offer has no a=ice-ufrag and a=ice-pwd");
    EXPECT_EQ(
        error_of(parsed(replace(chromium, "a=ice-pwd:QmQT0IsWoPEvrvqiFsPS+slJ", "a=ice-pwd:short")),
                 OfferUse::publish),
        "a=ice-ufrag must be 4-256 and a=ice-pwd 22-256 letters, digits, '+' or '/'");
    EXPECT_EQ(error_of(parsed(replace(chromium, "a=ice-ufrag:zZ/f", "a=ice-ufrag:z:Z/f")),
                       OfferUse::publish),
              "a=ice-ufrag must be 4-256 and a=ice-pwd 22-256 letters, digits, '+' or '/'");
    EXPECT_EQ(error_of(parsed(replace(chromium, "sha-256", "sha-1")), OfferUse::publish),
              "the offer has no a=fingerprint:sha-256");
    auto no_codecs =
        replace(replace(replace(chromium, "opus/", "xopus/"), "H264/", "H265/"), "VP8/", "VP7/");
    EXPECT_EQ(error_of(parsed(no_codecs), OfferUse::publish),
              "the offer has no H.264, VP8 or Opus media");
    // Two video m-lines: the video section twice (mid 2 added to BUNDLE).
    auto at = chromium.find("m=video");
    auto video = chromium.substr(at);
    auto two =
        replace(chromium, "BUNDLE 0 1", "BUNDLE 0 1 2") + replace(video, "a=mid:1", "a=mid:2");
    EXPECT_EQ(
        error_of(parsed(two), OfferUse::publish),
        "the offer has more than one video m-line; WHIP takes at most one audio and one video "
        "track");
    auto play = negotiated(parsed(two), OfferUse::play);
    EXPECT_TRUE(play.media[1].accepted);
    EXPECT_FALSE(play.media[2].accepted);
}

TEST(SdpNegotiate, DirectionAndDataChannelRejected) {
    auto chromium = lf(offer_text("chromium-offer.sdp"));
    auto recv = replace(chromium, "a=sendrecv\na=msid:2f8a51b1-f068-4783-bda1-b098d88ce559 dd08",
                        "a=recvonly\na=msid:2f8a51b1-f068-4783-bda1-b098d88ce559 dd08");
    auto n = negotiated(parsed(recv), OfferUse::publish);
    EXPECT_FALSE(n.media[0].accepted);  // audio recvonly: nothing to receive
    EXPECT_TRUE(n.media[1].accepted);
    auto dc = chromium +
              "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\nc=IN IP4 0.0.0.0\n"
              "a=mid:2\na=sctp-port:5000\n";
    auto nd = negotiated(parsed(dc), OfferUse::publish);
    ASSERT_EQ(nd.media.size(), 3u);
    EXPECT_FALSE(nd.media[2].accepted);
}

TEST(SdpAnswer, PublishRoundTrip) {
    auto chromium = offer_text("chromium-offer.sdp") +
                    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\nc=IN IP4 0.0.0.0\n"
                    "a=mid:2\na=sctp-port:5000\n";
    auto offer = parsed(chromium);
    auto n = negotiated(offer, OfferUse::publish);
    auto text = build_answer(offer, n, local());
    EXPECT_NE(text.find("a=ice-lite\r\n"), std::string::npos);
    EXPECT_NE(text.find("a=group:BUNDLE 0 1\r\n"), std::string::npos);
    EXPECT_NE(text.find("a=candidate:1 1 udp 2130706431 203.0.113.5 8443 typ host\r\n"),
              std::string::npos);
    EXPECT_NE(text.find("a=candidate:2 1 tcp 1520435199 203.0.113.5 8443 typ host tcptype passive"),
              std::string::npos);
    EXPECT_NE(text.find("a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;"
                        "profile-level-id=42e01f\r\n"),
              std::string::npos);
    EXPECT_NE(text.find("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n"), std::string::npos);
    EXPECT_EQ(text.find("\n\n"), std::string::npos);

    auto answer = parsed(text);
    EXPECT_TRUE(answer.ice_lite);
    EXPECT_EQ(answer.bundle_mids, (std::vector<std::string>{"0", "1"}));
    ASSERT_EQ(answer.media.size(), 3u);
    for (int i = 0; i < 2; ++i) {
        const auto& m = answer.media[i];
        EXPECT_EQ(m.mid, offer.media[i].mid);
        EXPECT_EQ(m.direction, Direction::recvonly);
        EXPECT_TRUE(m.rtcp_mux);
        EXPECT_EQ(m.ice_ufrag, "srv1");
        EXPECT_EQ(m.ice_pwd, "0123456789abcdefghijkl");
        EXPECT_EQ(m.setup, "passive");
        EXPECT_EQ(m.fingerprint, local().fingerprint_sha256);
        ASSERT_EQ(m.codecs.size(), 1u);
        EXPECT_EQ(m.codecs[0].pt, n.media[i].codec.pt);
        EXPECT_EQ(m.codecs[0].rtcp_fb, n.media[i].rtcp_fb);
        EXPECT_EQ(m.extmaps.size(), n.media[i].extmaps.size());
    }
    EXPECT_EQ(answer.media[2].port, 0);
    EXPECT_EQ(answer.media[2].mid, "2");
    EXPECT_EQ(answer.media[2].formats, std::vector<std::string>{"webrtc-datachannel"});
}

// GStreamer 1.22's webrtcbin took this answer to its offer (set-remote-description, both
// transceivers then sendonly) when checked by hand.
TEST(SdpAnswer, GStreamerWithoutSprop) {
    auto offer = parsed(offer_text("gstreamer-offer.sdp"));
    auto n = negotiated(offer, OfferUse::publish);
    EXPECT_NE(n.media[0].codec.fmtp.find("sprop-parameter-sets"), std::string::npos);
    auto text = build_answer(offer, n, local());
    EXPECT_EQ(text.find("sprop"), std::string::npos);
    EXPECT_NE(text.find("a=fmtp:96 packetization-mode=1;profile-level-id=42c015;"
                        "level-asymmetry-allowed=1\r\n"),
              std::string::npos);
    EXPECT_EQ(text.find("a=fmtp:97"), std::string::npos);  // only sprop-* were there
    auto answer = parsed(text);
    EXPECT_EQ(answer.media[1].port, 9);  // bundle-only in the offer, a port in the answer
    EXPECT_EQ(answer.bundle_mids, (std::vector<std::string>{"video0", "audio1"}));
}

TEST(SdpAnswer, PlayHasSsrcAndSendonly) {
    auto offer = parsed(replace(offer_text("firefox-offer.sdp"), "a=sendonly", "a=recvonly"));
    auto n = negotiated(offer, OfferUse::play);
    auto l = local();
    l.ssrcs = {LocalSsrc{1111, "nchat", "live", "audio"},
               LocalSsrc{2222, "nchat", "live", "video"}};
    auto text = build_answer(offer, n, l);
    auto answer = parsed(text);
    ASSERT_EQ(answer.media.size(), 2u);
    EXPECT_EQ(answer.media[0].direction, Direction::sendonly);
    EXPECT_EQ(answer.media[1].ssrcs, std::vector<std::uint32_t>{2222});
    EXPECT_EQ(answer.media[1].msid, "live video");
    EXPECT_EQ(answer.media[0].codecs[0].name, "opus");
    EXPECT_EQ(answer.media[0].codecs[0].channels, 2);
}

// Every prefix of a real offer parses or gives an error; what parses negotiates and answers.
TEST(SdpParse, EveryPrefixIsSafe) {
    const auto text = offer_text("chromium-offer.sdp");
    std::size_t parsed_count = 0;
    for (std::size_t n = 0; n <= text.size(); n += 7) {
        auto r = parse_sdp(std::string_view(text).substr(0, n));
        auto* sd = std::get_if<SessionDescription>(&r);
        if (!sd) continue;
        ++parsed_count;
        for (auto use : {OfferUse::publish, OfferUse::play}) {
            auto nr = negotiate(*sd, use);
            if (auto* neg = std::get_if<Negotiated>(&nr)) {
                EXPECT_TRUE(std::holds_alternative<SessionDescription>(
                    parse_sdp(build_answer(*sd, *neg, local()))));
            }
        }
    }
    EXPECT_GT(parsed_count, 0u);
}

TEST(SdpFrag, Candidates) {
    auto c = parse_sdpfrag_candidates(
        "a=ice-ufrag:EsAw\r\na=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\nm=audio 9 RTP/AVP 0\r\n"
        "a=mid:0\r\na=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host\r\n"
        "a=end-of-candidates\r\n");
    EXPECT_EQ(c, std::vector<std::string>{"1387637174 1 udp 2122260223 192.0.2.1 61764 typ host"});
}

}  // namespace
}  // namespace nchat::webrtc
