#include "transcode/ladder.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>

extern "C" {
#include <libavcodec/avcodec.h>
}

namespace nchat::transcode {
namespace {

int even_floor(int v) {
    return v & ~1;
}

int even_round(double v) {
    return static_cast<int>(std::lround(v / 2.0)) * 2;
}

// The long side for `short_side` at the source's aspect ratio, even, never wider than the
// source's own long side.
int long_side_for(int short_side, int src_short, int src_long) {
    int l = even_round(static_cast<double>(short_side) * src_long / src_short);
    if (l > src_long) l = even_floor(src_long);
    return std::max(l, 2);
}

}  // namespace

std::optional<int> parse_resolution(std::string_view name) {
    if (name.size() < 2 || name.back() != 'p') return std::nullopt;
    int v = 0;
    auto digits = name.substr(0, name.size() - 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc{} || end != digits.data() + digits.size() || v <= 0 || v > 8640) {
        return std::nullopt;
    }
    return v;
}

std::optional<TopRungMode> parse_top_rung_mode(std::string_view s) {
    if (s == "auto") return TopRungMode::automatic;
    if (s == "passthrough") return TopRungMode::passthrough;
    if (s == "transcode") return TopRungMode::transcode;
    return std::nullopt;
}

std::string_view to_string(TopRungMode m) {
    switch (m) {
        case TopRungMode::automatic:
            return "auto";
        case TopRungMode::passthrough:
            return "passthrough";
        case TopRungMode::transcode:
            return "transcode";
    }
    return "auto";
}

std::optional<double> parse_keyframe_policy(std::string_view s) {
    if (s == "source") return 0.0;
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || !(v >= 0.5 && v <= 10)) {
        return std::nullopt;
    }
    return v;
}

std::optional<std::vector<LadderStep>> parse_ladder(std::string_view s, std::string* error) {
    auto fail = [&](std::string why) -> std::optional<std::vector<LadderStep>> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    std::vector<LadderStep> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto comma = s.find(',', start);
        auto item = s.substr(start, comma == std::string_view::npos ? s.npos : comma - start);
        if (out.size() == 8) return fail("at most 8 rungs");
        auto c1 = item.find(':');
        auto c2 = c1 == item.npos ? item.npos : item.find(':', c1 + 1);
        if (c2 == item.npos) return fail("'" + std::string(item) + "' is not name:kbps:fps");
        auto name = item.substr(0, c1);
        auto side = parse_resolution(name);
        if (!side || *side < 144 || *side > 4320 || *side % 2) {
            return fail("'" + std::string(name) +
                        "': a rung is named by an even short side, 144p-4320p");
        }
        int kbps = 0;
        auto kb = item.substr(c1 + 1, c2 - c1 - 1);
        auto [kend, kec] = std::from_chars(kb.data(), kb.data() + kb.size(), kbps);
        if (kec != std::errc{} || kend != kb.data() + kb.size() || kbps < 100 || kbps > 100000) {
            return fail("'" + std::string(item) + "': kbps 100-100000");
        }
        double fps = 0;
        auto fs = item.substr(c2 + 1);
        auto [fend, fec] = std::from_chars(fs.data(), fs.data() + fs.size(), fps);
        if (fec != std::errc{} || fend != fs.data() + fs.size() || !(fps >= 1 && fps <= 120)) {
            return fail("'" + std::string(item) + "': fps 1-120");
        }
        for (const auto& o : out) {
            if (o.short_side == *side) return fail("'" + std::string(name) + "' twice");
        }
        out.push_back({std::string(name), *side, kbps, fps});
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    std::sort(out.begin(), out.end(),
              [](const LadderStep& a, const LadderStep& b) { return a.short_side > b.short_side; });
    return out;
}

bool encoder_available(const std::string& name) {
    return avcodec_find_encoder_by_name(name.c_str()) != nullptr;
}

Rung encoded_top_rung(const Rung& passthrough, const LadderConfig& config) {
    Rung r = passthrough;
    r.passthrough = false;
    if (config.ladder.empty()) return r;
    const int src_short = std::min(r.width, r.height);
    // The step the source occupies, as plan_ladder() names it: the smallest at least as tall.
    const LadderStep* occupied = nullptr;
    for (const auto& s : config.ladder) {
        if (s.short_side >= src_short && (!occupied || s.short_side < occupied->short_side)) {
            occupied = &s;
        }
    }
    if (!occupied) {
        occupied = &*std::max_element(
            config.ladder.begin(), config.ladder.end(),
            [](const LadderStep& a, const LadderStep& b) { return a.short_side < b.short_side; });
    }
    r.video_kbps = occupied->video_kbps;
    r.fps = passthrough.fps > 0 ? std::min(occupied->fps, passthrough.fps) : occupied->fps;
    return r;
}

std::vector<Rung> plan_ladder(const media::TrackInfo& source_video,
                              std::string_view max_resolution,
                              const LadderConfig& config) {
    const int src_w = static_cast<int>(source_video.width);
    const int src_h = static_cast<int>(source_video.height);
    const double src_fps = source_video.frame_rate;
    Rung source;
    source.width = src_w;
    source.height = src_h;
    source.fps = src_fps;
    source.passthrough = true;
    source.video_kbps = static_cast<int>(source_video.bitrate / 1000);
    if (src_w <= 0 || src_h <= 0 || config.ladder.empty()) {
        source.name = "source";
        return {source};
    }
    const bool portrait = src_h > src_w;
    const int src_short = std::min(src_w, src_h);
    const int src_long = std::max(src_w, src_h);
    int max_short = parse_resolution(max_resolution).value_or(INT_MAX);

    std::vector<LadderStep> steps = config.ladder;
    std::sort(steps.begin(), steps.end(),
              [](const LadderStep& a, const LadderStep& b) { return a.short_side > b.short_side; });
    // A limit below every rung still gets the smallest rung rather than nothing.
    max_short = std::max(max_short, steps.back().short_side);

    // The step the source occupies: the smallest at least as tall, else the largest.
    const LadderStep* occupied = &steps.front();
    for (const auto& s : steps) {
        if (s.short_side >= src_short) occupied = &s;
    }
    source.name =
        occupied->short_side == src_short ? occupied->name : std::to_string(src_short) + "p";
    if (source.video_kbps == 0) source.video_kbps = occupied->video_kbps;
    if (source.fps <= 0) source.fps = occupied->fps;

    const bool may_pass = src_short <= max_short;
    bool pass = false;
    switch (config.top_rung) {
        case TopRungMode::passthrough:
            pass = may_pass;
            break;
        case TopRungMode::transcode:
            pass = false;
            break;
        case TopRungMode::automatic:
            pass =
                may_pass && source_video.codec == media::Codec::h264 &&
                (source_video.bitrate == 0 ||
                 source_video.bitrate <= 2u * 1000u * static_cast<unsigned>(occupied->video_kbps));
            break;
    }
    // Smaller than every rung: nothing to encode it down to.
    if (src_short < steps.back().short_side && may_pass) return {source};

    std::vector<Rung> out;
    if (pass) out.push_back(source);
    for (const auto& s : steps) {
        if (s.short_side > max_short || s.short_side > src_short) continue;
        if (pass && s.short_side >= src_short) continue;  // the passthrough rung is this size
        Rung r;
        r.name = s.name;
        const int short_side = std::max(even_floor(s.short_side), 2);
        const int long_side = long_side_for(short_side, src_short, src_long);
        r.width = portrait ? short_side : long_side;
        r.height = portrait ? long_side : short_side;
        r.video_kbps = s.video_kbps;
        r.fps = src_fps > 0 ? std::min(s.fps, src_fps) : s.fps;
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace nchat::transcode
