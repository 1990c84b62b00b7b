#include "hls/detail/uri_query.hpp"

namespace nchat::hls {
namespace {

void append_param(std::string& out, std::string_view uri, std::string_view param) {
    out.append(uri);
    out.push_back(uri.find('?') == std::string_view::npos ? '?' : '&');
    out.append(param);
}

// A tag line: each URI="…" attribute gets the parameter inside its quotes.
void tag_line(std::string& out, std::string_view line, std::string_view param) {
    constexpr std::string_view kUri = "URI=\"";
    std::size_t pos = 0;
    for (;;) {
        auto at = line.find(kUri, pos);
        if (at == std::string_view::npos) break;
        // An attribute name starts the list or follows a ',' or ':' (not e.g. "X-URI=").
        if (at > 0 && line[at - 1] != ',' && line[at - 1] != ':') {
            out.append(line.substr(pos, at + kUri.size() - pos));
            pos = at + kUri.size();
            continue;
        }
        auto value = at + kUri.size();
        auto close = line.find('"', value);
        if (close == std::string_view::npos) break;
        out.append(line.substr(pos, value - pos));
        append_param(out, line.substr(value, close - value), param);
        pos = close;
    }
    out.append(line.substr(pos));
}

}  // namespace

std::string add_query_to_uris(std::string_view playlist, std::string_view param) {
    std::string out;
    out.reserve(playlist.size() + playlist.size() / 8);
    std::size_t start = 0;
    while (start < playlist.size()) {
        auto nl = playlist.find('\n', start);
        auto end = nl == std::string_view::npos ? playlist.size() : nl;
        auto line = playlist.substr(start, end - start);
        bool cr = !line.empty() && line.back() == '\r';
        if (cr) line.remove_suffix(1);
        if (line.empty()) {
        } else if (line.front() == '#') {
            tag_line(out, line, param);
        } else {
            append_param(out, line, param);
        }
        if (cr) out.push_back('\r');
        if (nl != std::string_view::npos) out.push_back('\n');
        start = end + 1;
    }
    return out;
}

}  // namespace nchat::hls
