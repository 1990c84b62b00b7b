// Compound RTCP: parse, build back what parsed, parse that again (it must parse).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <variant>
#include <vector>

#include "webrtc/rtcp.hpp"
#include "webrtc/transport_cc.hpp"

using namespace nchat::webrtc;

namespace {

std::vector<std::uint8_t> rebuild(const RtcpItem& item) {
    struct V {
        std::vector<std::uint8_t> operator()(const SenderReport& x) {
            return build_sender_report(x);
        }
        std::vector<std::uint8_t> operator()(const ReceiverReport& x) {
            return build_receiver_report(x.ssrc, x.blocks);
        }
        std::vector<std::uint8_t> operator()(const Nack& x) {
            return build_nack(x.sender_ssrc, x.media_ssrc, x.lost);
        }
        std::vector<std::uint8_t> operator()(const Pli& x) {
            return build_pli(x.sender_ssrc, x.media_ssrc);
        }
        std::vector<std::uint8_t> operator()(const Fir& x) {
            return build_fir(x.sender_ssrc, x.entries[0].ssrc, x.entries[0].seq);
        }
        std::vector<std::uint8_t> operator()(const Remb& x) {
            return build_remb(x.sender_ssrc, x.bitrate_bps, x.ssrcs);
        }
        std::vector<std::uint8_t> operator()(const Bye& x) { return build_bye(x.ssrcs); }
        std::vector<std::uint8_t> operator()(const TransportFeedback& x) {
            TransportCcRecorder rec;
            for (const auto& r : x.received)
                rec.record(r.seq, r.arrival_us);
            std::vector<std::uint8_t> out;
            for (const auto& b : rec.take_feedback(x.sender_ssrc, x.media_ssrc)) {
                if (!parse_rtcp(b)) std::abort();
                out = b;
            }
            return out;
        }
        std::vector<std::uint8_t> operator()(const Unknown&) { return {}; }
    };
    return std::visit(V{}, item);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto items = parse_rtcp({data, size});
    if (!items) return 0;
    for (const auto& item : *items) {
        const auto b = rebuild(item);
        if (b.empty()) continue;
        auto again = parse_rtcp(b);
        if (!again || again->size() != 1) std::abort();
        // What we build reads back as what we parsed, where the builder takes all of it: not
        // NACK (repacked), TWCC (re-timed), FIR (one entry), a saturated REMB.
        const auto* fir = std::get_if<Fir>(&item);
        const auto* remb = std::get_if<Remb>(&item);
        const bool exact = !std::holds_alternative<TransportFeedback>(item) &&
                           !std::holds_alternative<Nack>(item) &&
                           !(fir && fir->entries.size() != 1) &&
                           !(remb && remb->bitrate_bps == UINT64_MAX);
        if (exact && again->front() != item) std::abort();
    }
    return 0;
}
