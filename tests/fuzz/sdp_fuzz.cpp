// SDP offers as WHIP/WHEP receive them: parse, negotiate both ways, build the answer; our own
// answer must parse again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "webrtc/sdp.hpp"

using namespace nchat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)webrtc::parse_sdpfrag_candidates(text);
    auto parsed = webrtc::parse_sdp(text);
    auto* offer = std::get_if<webrtc::SessionDescription>(&parsed);
    if (!offer) return 0;
    for (auto use : {webrtc::OfferUse::publish, webrtc::OfferUse::play}) {
        auto r = webrtc::negotiate(*offer, use);
        auto* n = std::get_if<webrtc::Negotiated>(&r);
        if (!n) continue;
        webrtc::LocalDescription local;
        local.ice_ufrag = "srv1";
        local.ice_pwd = "0123456789abcdefghijkl";
        local.fingerprint_sha256 = n->remote_fingerprint;
        local.candidates = {{"192.0.2.1", 443, false}, {"192.0.2.1", 443, true}};
        local.session_id = 1;
        if (use == webrtc::OfferUse::play) {
            local.ssrcs.assign(offer->media.size(), webrtc::LocalSsrc{1, "c", "s", "t"});
        }
        auto answer = webrtc::build_answer(*offer, *n, local);
        auto again = webrtc::parse_sdp(answer);
        if (!std::holds_alternative<webrtc::SessionDescription>(again)) std::abort();
    }
    return 0;
}
