#include "http/router.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "http/detail/percent.hpp"

namespace nchat::http {
namespace {

using Params = std::map<std::string, std::string, std::less<>>;

// Segment kinds, ordered so that the more specific kind compares greater.
enum class Kind { rest, param, literal };

Kind kind_of(std::string_view seg) {
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
        return seg.size() >= 3 && seg[seg.size() - 2] == '*' ? Kind::rest : Kind::param;
    }
    return Kind::literal;
}

std::string_view param_name(std::string_view seg, Kind k) {
    return seg.substr(1, seg.size() - (k == Kind::rest ? 3 : 2));
}

// Walks the pattern's segments along `path`; fills `out` (when given) with the parameters.
bool match_segments(const std::vector<std::string>& segments, std::string_view path, Params* out) {
    if (path.empty() || path.front() != '/') return false;
    std::string_view rest = path.substr(1);
    if (segments.empty()) return rest.empty();
    bool consumed_last = false;  // the previous segment had no '/' after it
    for (const auto& seg : segments) {
        if (consumed_last) return false;
        Kind k = kind_of(seg);
        if (k == Kind::rest) {
            if (rest.empty()) return false;
            if (out) out->emplace(std::string(param_name(seg, k)), std::string(rest));
            return true;
        }
        auto slash = rest.find('/');
        auto part = rest.substr(0, slash);
        if (k == Kind::literal ? part != seg : part.empty()) return false;
        if (k == Kind::param && out) out->emplace(std::string(param_name(seg, k)), part);
        if (slash == std::string_view::npos) {
            consumed_last = true;
            rest = {};
        } else {
            rest = rest.substr(slash + 1);
        }
    }
    return consumed_last;
}

// True when `a` is more specific than `b`: at the first segment where they differ in kind,
// literal beats {param} beats {rest*}.
bool more_specific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    auto n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        auto ka = kind_of(a[i]);
        auto kb = kind_of(b[i]);
        if (ka != kb) return ka > kb;
    }
    return a.size() > b.size();
}

std::vector<std::string> split_pattern(const std::string& pattern) {
    if (pattern.empty() || pattern.front() != '/') {
        throw std::invalid_argument("route pattern must start with '/': " + pattern);
    }
    std::vector<std::string> segs;
    if (pattern == "/") return segs;
    std::size_t start = 1;
    for (;;) {
        auto slash = pattern.find('/', start);
        segs.push_back(pattern.substr(start, slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    for (std::size_t i = 0; i < segs.size(); ++i) {
        if (kind_of(segs[i]) == Kind::rest && i + 1 != segs.size()) {
            throw std::invalid_argument("{name*} must be the last segment: " + pattern);
        }
    }
    return segs;
}

// Takes the next "key=value" (or bare "key") off the front of a raw query.
bool next_query_pair(std::string_view& query, std::string_view& key, std::string_view& value) {
    if (query.empty()) return false;
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    key = pair.substr(0, eq);
    value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    return true;
}

}  // namespace

std::string_view Request::header(bhttp::field f) const {
    auto it = raw.find(f);
    return it == raw.end() ? std::string_view{} : it->value();
}

std::string_view Request::header(std::string_view name) const {
    auto it = raw.find(name);
    return it == raw.end() ? std::string_view{} : it->value();
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    std::string_view q = query, key, value;
    while (next_query_pair(q, key, value)) {
        if (detail::decode_query_component(key) == name) {
            return detail::decode_query_component(value);
        }
    }
    return std::nullopt;
}

std::optional<std::string_view> raw_query_param(std::string_view query, std::string_view name) {
    std::string_view key, value;
    while (next_query_pair(query, key, value)) {
        if (key == name) return value;
    }
    return std::nullopt;
}

std::string_view Request::param(std::string_view name) const {
    auto it = params.find(name);
    return it == params.end() ? std::string_view{} : std::string_view(it->second);
}

Response json_response(const Request& req, bhttp::status s, std::string json_text) {
    Response res{s, req.raw.version()};
    res.set(bhttp::field::content_type, "application/json");
    res.keep_alive(req.raw.keep_alive());
    res.body().assign(std::move(json_text));
    res.prepare_payload();
    return res;
}

Response error_response(const RawRequest& req,
                        bhttp::status s,
                        std::string_view code,
                        std::string_view message,
                        std::string_view field) {
    nlohmann::json err = {{"code", code}, {"message", message}};
    if (!field.empty()) err["field"] = field;
    nlohmann::json body = {{"error", std::move(err)}};
    Response res{s, req.version()};
    res.set(bhttp::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    res.body().assign(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    res.prepare_payload();
    return res;
}

void Router::add(bhttp::verb method, std::string pattern, Handler h) {
    auto segs = split_pattern(pattern);
    routes_.push_back({method, std::move(pattern), std::move(segs), std::move(h), {}});
}

void Router::add_upgrade(std::string pattern, UpgradeHandler h) {
    auto segs = split_pattern(pattern);
    routes_.push_back({bhttp::verb::get, std::move(pattern), std::move(segs), {}, std::move(h)});
}

void Router::add_fast(std::string prefix, std::string route, FastHandler h) {
    if (prefix.empty() || prefix.front() != '/') {
        throw std::invalid_argument("fast route prefix must start with '/': " + prefix);
    }
    fast_.push_back({std::move(prefix), std::move(route), std::move(h)});
}

const Router::FastRoute* Router::fast(std::string_view path) const {
    for (const auto& f : fast_) {
        if (path.starts_with(f.prefix)) return &f;
    }
    return nullptr;
}

Router::Match Router::match(bhttp::verb method, std::string_view path) const {
    Match m;
    const Route* best = nullptr;
    const Route* best_path = nullptr;
    for (const auto& r : routes_) {
        if (!match_segments(r.segments, path, nullptr)) continue;
        m.path_matched = true;
        if (std::find(m.allow.begin(), m.allow.end(), r.method) == m.allow.end()) {
            m.allow.push_back(r.method);
        }
        if (!best_path || more_specific(r.segments, best_path->segments)) best_path = &r;
        if (r.method != method) continue;
        if (!best || more_specific(r.segments, best->segments)) best = &r;
    }
    if (!best) {
        if (best_path) m.pattern = best_path->pattern;
        return m;
    }
    m.pattern = best->pattern;
    match_segments(best->segments, path, &m.params);
    // A pattern may carry both a GET handler and an upgrade handler (two routes).
    for (const auto& r : routes_) {
        if (r.method != method || r.pattern != best->pattern) continue;
        if (r.handler && !m.handler) m.handler = &r.handler;
        if (r.upgrade && !m.upgrade) m.upgrade = &r.upgrade;
    }
    return m;
}

}  // namespace nchat::http
