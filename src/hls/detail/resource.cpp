#include "hls/detail/resource.hpp"

#include <charconv>

namespace nchat::hls {
namespace {

// Parses decimal digits at the front of `s`; leaves the rest in `s`.
template <class T>
bool take_number(std::string_view& s, T& out) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (r.ec != std::errc{} || r.ptr == s.data()) return false;
    s.remove_prefix(static_cast<std::size_t>(r.ptr - s.data()));
    return true;
}

bool take(std::string_view& s, std::string_view prefix) {
    if (!s.starts_with(prefix)) return false;
    s.remove_prefix(prefix.size());
    return true;
}

Resource::Status missing(const Window& w, std::uint64_t msn) {
    const std::uint64_t first = w.segments.empty() ? w.next_msn : w.segments.front().msn;
    return msn < first ? Resource::Status::gone : Resource::Status::not_yet;
}

Resource find_init(const Window& w, std::uint32_t generation) {
    if (generation == w.init_generation && w.init) return {Resource::Status::found, {w.init}};
    for (const auto& s : w.segments) {
        if (s.init_generation == generation) return {Resource::Status::found, {s.init}};
    }
    return {generation > w.init_generation ? Resource::Status::not_yet : Resource::Status::gone,
            {}};
}

}  // namespace

std::string init_uri(std::uint32_t generation) {
    return generation == 0 ? "init.mp4" : "init" + std::to_string(generation) + ".mp4";
}

std::string segment_uri(std::uint64_t msn) {
    return "seg" + std::to_string(msn) + ".m4s";
}

std::string part_uri(std::uint64_t msn, std::uint32_t index) {
    return "part" + std::to_string(msn) + "." + std::to_string(index) + ".m4s";
}

Resource find_resource(const Window& w, std::string_view name) {
    std::uint64_t msn = 0;
    std::uint32_t index = 0;
    std::string_view s = name;
    if (take(s, "init")) {
        if (s == ".mp4") return find_init(w, 0);
        if (take_number(s, index) && index > 0 && s == ".mp4") return find_init(w, index);
        return {};
    }
    if (take(s, "seg")) {
        if (!take_number(s, msn) || s != ".m4s") return {};
        const Segment* seg = find_segment(w, msn);
        if (seg == nullptr) return {missing(w, msn), {}};
        if (!seg->complete) return {Resource::Status::not_yet, {}};
        if (seg->gap) return {Resource::Status::gap, {}};
        Resource r{Resource::Status::found, {}};
        for (const auto& p : seg->parts)
            r.buffers.push_back(p.bytes);
        return r;
    }
    if (take(s, "part")) {
        if (!take_number(s, msn) || !take(s, ".") || !take_number(s, index) || s != ".m4s") {
            return {};
        }
        const Segment* seg = find_segment(w, msn);
        if (seg != nullptr && index < seg->parts.size()) {
            if (seg->parts[index].gap) return {Resource::Status::gap, {}};
            return {Resource::Status::found, {seg->parts[index].bytes}};
        }
        if (!w.ended && !w.gap && msn == w.next_msn && index == w.next_part) {
            return {Resource::Status::hinted, {}};
        }
        if (seg != nullptr && seg->complete) return {};  // past its last part: never existed
        return {missing(w, msn), {}};
    }
    return {};
}

}  // namespace nchat::hls
