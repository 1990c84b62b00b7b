#include <charconv>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "realtime/pubsub/redis_bus.hpp"

// The Redis bus's wire: URLs and the messages of its three channels. Pure (no Redis, no hub):
// the fuzz target redis_wire compiles this file alone.
namespace nchat::realtime {
namespace {
using json = nlohmann::json;
}  // namespace

RedisUrl parse_redis_url(const std::string& url) {
    constexpr std::string_view kScheme = "redis://";
    std::string_view s = url;
    if (s.substr(0, kScheme.size()) != kScheme) {
        throw std::invalid_argument("redis: expected redis://HOST[:PORT], got '" + url + "'");
    }
    s.remove_prefix(kScheme.size());
    RedisUrl out;
    if (auto at = s.rfind('@'); at != std::string_view::npos) {
        auto userinfo = s.substr(0, at);
        auto colon = userinfo.find(':');
        out.password =
            std::string(colon == std::string_view::npos ? userinfo : userinfo.substr(colon + 1));
        s.remove_prefix(at + 1);
    }
    if (auto slash = s.find('/'); slash != std::string_view::npos) s = s.substr(0, slash);
    std::string_view host = s, port;
    if (!s.empty() && s.front() == '[') {
        auto close = s.find(']');
        if (close == std::string_view::npos)
            throw std::invalid_argument("redis: bad host in '" + url + "'");
        host = s.substr(1, close - 1);
        if (close + 1 < s.size()) {
            if (s[close + 1] != ':')
                throw std::invalid_argument("redis: bad port in '" + url + "'");
            port = s.substr(close + 2);
        }
    } else if (auto colon = s.rfind(':'); colon != std::string_view::npos) {
        host = s.substr(0, colon);
        port = s.substr(colon + 1);
    }
    if (host.empty()) throw std::invalid_argument("redis: no host in '" + url + "'");
    out.host = std::string(host);
    if (!port.empty()) {
        int p = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
        if (ec != std::errc{} || end != port.data() + port.size() || p <= 0 || p > 65535) {
            throw std::invalid_argument("redis: bad port in '" + url + "'");
        }
        out.port = p;
    }
    return out;
}

std::string encode_bus_event(const std::string& node, const Event& e) {
    json j = {{"node", node}, {"streamId", e.stream_id}, {"type", e.type}, {"data", e.data}};
    if (e.user_id) j["userId"] = *e.user_id;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<BusEvent> decode_bus_event(std::string_view payload) {
    auto j = json::parse(payload, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    auto node = j.find("node"), stream = j.find("streamId"), type = j.find("type");
    if (node == j.end() || !node->is_string() || stream == j.end() || !stream->is_string() ||
        type == j.end() || !type->is_string()) {
        return std::nullopt;
    }
    BusEvent out;
    out.node = node->get<std::string>();
    out.event.stream_id = stream->get<std::string>();
    out.event.type = type->get<std::string>();
    if (auto d = j.find("data"); d != j.end()) out.event.data = std::move(*d);
    if (auto u = j.find("userId"); u != j.end() && u->is_string()) {
        out.event.user_id = u->get<std::string>();
    }
    return out;
}

std::string encode_presence(const std::string& node, const RoomCounts& counts) {
    json c = json::object();
    for (const auto& [stream, n] : counts)
        c[stream] = n;
    return json{{"node", node}, {"counts", std::move(c)}}.dump(-1, ' ', false,
                                                               json::error_handler_t::replace);
}

std::optional<std::pair<std::string, RoomCounts>> decode_presence(std::string_view payload) {
    auto j = json::parse(payload, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    auto node = j.find("node"), counts = j.find("counts");
    if (node == j.end() || !node->is_string() || counts == j.end() || !counts->is_object()) {
        return std::nullopt;
    }
    RoomCounts out;
    for (auto it = counts->begin(); it != counts->end(); ++it) {
        if (it.value().is_number_integer())
            out.emplace_back(it.key(), it.value().get<std::int64_t>());
    }
    return std::make_pair(node->get<std::string>(), std::move(out));
}

std::string encode_origins(const OriginAnnouncement& a) {
    return json{{"node", a.node}, {"url", a.url}, {"streams", a.streams}}.dump(
        -1, ' ', false, json::error_handler_t::replace);
}

std::optional<OriginAnnouncement> decode_origins(std::string_view payload) {
    auto j = json::parse(payload, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    auto node = j.find("node"), url = j.find("url"), streams = j.find("streams");
    if (node == j.end() || !node->is_string() || url == j.end() || !url->is_string() ||
        streams == j.end() || !streams->is_array()) {
        return std::nullopt;
    }
    OriginAnnouncement a{node->get<std::string>(), url->get<std::string>(), {}};
    for (const auto& s : *streams) {
        if (!s.is_string()) return std::nullopt;
        a.streams.push_back(s.get<std::string>());
    }
    return a;
}

}  // namespace nchat::realtime
