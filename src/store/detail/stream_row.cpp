#include "store/detail/stream_row.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "store/store.hpp"

namespace nchat::store::detail {
namespace {

// Order matters: stream_from_row reads by index.
constexpr std::array<std::string_view, kStreamColumns> kColumns{
    "id",
    "channel_id",
    "broadcaster_id",
    "title",
    "description",
    "thumbnail_url",
    "scheduled_at",
    "started_at",
    "ended_at",
    "status",
    "stream_key",
    "ingest_url",
    "hls_manifest_url",
    "max_resolution",
    "peak_viewer_count",
    "total_view_count",
    "total_chat_messages",
    "total_reactions",
    "enable_chat",
    "enable_reactions",
    "enable_qa",
    "chat_mode",
    "tags",
    "is_private",
    "created_at",
    "updated_at",
    "top_rung",
    "hide_viewer_list",
};

bool is_time_column(std::string_view c) {
    return c == "scheduled_at" || c == "started_at" || c == "ended_at" || c == "created_at" ||
           c == "updated_at";
}

std::string build_columns(Dialect d) {
    std::string out;
    for (auto c : kColumns) {
        if (!out.empty()) out += ", ";
        out += is_time_column(c) ? time_column(d, c) : std::string(c);
    }
    return out;
}

std::string status_text(StreamStatus s) {
    return std::string(to_string(s));
}

}  // namespace

std::string time_column(Dialect d, std::string_view column) {
    std::string c(column);
    if (d == Dialect::sqlite) return c;  // stored in util::format_iso8601 form already
    auto dot = column.rfind('.');
    auto name = dot == std::string_view::npos ? column : column.substr(dot + 1);
    // Independent of the session's TimeZone and DateStyle.
    return "to_char(" + c + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS " +
           std::string(name);
}

const std::string& stream_columns(Dialect d) {
    static const std::string sqlite = build_columns(Dialect::sqlite);
    static const std::string postgres = build_columns(Dialect::postgres);
    return d == Dialect::sqlite ? sqlite : postgres;
}

Stream stream_from_row(const Row& r) {
    Stream s;
    s.id = text_at(r, 0);
    s.channel_id = text_at(r, 1);
    s.broadcaster_id = text_at(r, 2);
    s.title = text_at(r, 3);
    s.description = opt_text_at(r, 4);
    s.thumbnail_url = opt_text_at(r, 5);
    s.scheduled_at = opt_time_at(r, 6);
    s.started_at = opt_time_at(r, 7);
    s.ended_at = opt_time_at(r, 8);
    auto status = parse_stream_status(text_at(r, 9));
    if (!status) throw StoreError("stream " + s.id + " has an unknown status");
    s.status = *status;
    s.stream_key_hash = text_at(r, 10);
    s.ingest_url = text_at(r, 11);
    s.hls_manifest_url = opt_text_at(r, 12);
    s.max_resolution = opt_text_at(r, 13).value_or("1080p");
    s.peak_viewer_count = int_at(r, 14);
    s.total_view_count = int_at(r, 15);
    s.total_chat_messages = int_at(r, 16);
    s.total_reactions = int_at(r, 17);
    s.enable_chat = bool_at(r, 18, true);
    s.enable_reactions = bool_at(r, 19, true);
    s.enable_qa = bool_at(r, 20, false);
    s.chat_mode = opt_text_at(r, 21).value_or("open");
    s.tags = tags_from_json(opt_text_at(r, 22).value_or("[]"));
    s.is_private = bool_at(r, 23, false);
    s.created_at = time_at(r, 24);
    s.updated_at = time_at(r, 25);
    s.top_rung = opt_text_at(r, 26);
    s.hide_viewer_list = bool_at(r, 27, false);
    return s;
}

std::string stream_insert_sql() {
    std::string cols;
    std::string marks;
    for (auto c : kColumns) {
        if (!cols.empty()) {
            cols += ", ";
            marks += ", ";
        }
        cols += c;
        marks += "?";
    }
    return "INSERT INTO nchat_streams (" + cols + ") VALUES (" + marks + ")";
}

std::vector<Value> stream_insert_values(const Stream& s) {
    return {s.id,
            s.channel_id,
            s.broadcaster_id,
            s.title,
            text_value(s.description),
            text_value(s.thumbnail_url),
            time_value(s.scheduled_at),
            time_value(s.started_at),
            time_value(s.ended_at),
            status_text(s.status),
            s.stream_key_hash,
            s.ingest_url,
            text_value(s.hls_manifest_url),
            s.max_resolution,
            s.peak_viewer_count,
            s.total_view_count,
            s.total_chat_messages,
            s.total_reactions,
            s.enable_chat,
            s.enable_reactions,
            s.enable_qa,
            s.chat_mode,
            tags_to_json(s.tags),
            s.is_private,
            time_value(s.created_at),
            time_value(s.updated_at),
            text_value(s.top_rung),
            s.hide_viewer_list};
}

Assignments stream_patch_assignments(const StreamPatch& p, util::Time now) {
    Assignments a;
    auto set = [&](std::string_view column, Value v) {
        a.sql += std::string(column) + " = ?, ";
        a.params.push_back(std::move(v));
    };
    if (p.title) set("title", *p.title);
    if (p.description) set("description", text_value(*p.description));
    if (p.thumbnail_url) set("thumbnail_url", text_value(*p.thumbnail_url));
    if (p.scheduled_at) set("scheduled_at", time_value(*p.scheduled_at));
    if (p.max_resolution) set("max_resolution", *p.max_resolution);
    if (p.top_rung) set("top_rung", text_value(*p.top_rung));
    if (p.enable_chat) set("enable_chat", *p.enable_chat);
    if (p.enable_reactions) set("enable_reactions", *p.enable_reactions);
    if (p.enable_qa) set("enable_qa", *p.enable_qa);
    if (p.chat_mode) set("chat_mode", *p.chat_mode);
    if (p.tags) set("tags", tags_to_json(*p.tags));
    if (p.is_private) set("is_private", *p.is_private);
    if (p.hide_viewer_list) set("hide_viewer_list", *p.hide_viewer_list);
    if (p.status) set("status", status_text(*p.status));
    if (p.started_at) set("started_at", time_value(*p.started_at));
    if (p.ended_at) set("ended_at", time_value(*p.ended_at));
    if (p.hls_manifest_url) set("hls_manifest_url", text_value(*p.hls_manifest_url));
    if (p.stream_key_hash) set("stream_key", *p.stream_key_hash);
    a.sql += "updated_at = ?";
    a.params.push_back(time_value(now));
    return a;
}

std::string tags_to_json(const std::vector<std::string>& tags) {
    // Raw UTF-8 out (no \u escapes) so the column stays readable in psql/sqlite3.
    return nlohmann::json(tags).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> tags_from_json(const std::string& json) {
    auto j = nlohmann::json::parse(json, nullptr, false);
    std::vector<std::string> out;
    if (!j.is_array()) return out;
    for (const auto& t : j) {
        if (t.is_string()) out.push_back(t.get<std::string>());
    }
    return out;
}

}  // namespace nchat::store::detail
