#include "store/detail/sql_value.hpp"

#include <charconv>

#include "store/store.hpp"
#include "util/ids.hpp"
#include "util/time.hpp"

namespace nchat::store::detail {

Value time_value(util::Time t) {
    return util::format_iso8601(t);
}

Value time_value(const std::optional<util::Time>& t) {
    if (!t) return nullptr;
    return util::format_iso8601(*t);
}

Value text_value(const std::optional<std::string>& s) {
    if (!s) return nullptr;
    return *s;
}

std::string text_at(const Row& r, std::size_t i) {
    return r.at(i).value_or(std::string());
}

std::optional<std::string> opt_text_at(const Row& r, std::size_t i) {
    return r.at(i);
}

std::int64_t int_at(const Row& r, std::size_t i, std::int64_t if_null) {
    const auto& v = r.at(i);
    if (!v) return if_null;
    std::int64_t out = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || end != v->data() + v->size()) {
        throw StoreError("column " + std::to_string(i) + " is not an integer");
    }
    return out;
}

bool bool_at(const Row& r, std::size_t i, bool if_null) {
    const auto& v = r.at(i);
    if (!v) return if_null;
    // PostgreSQL says t/f, SQLite stores 1/0.
    return *v == "t" || *v == "1" || *v == "true";
}

util::Time time_at(const Row& r, std::size_t i) {
    auto t = opt_time_at(r, i);
    if (!t) throw StoreError("column " + std::to_string(i) + " is not a time");
    return *t;
}

std::optional<util::Time> opt_time_at(const Row& r, std::size_t i) {
    const auto& v = r.at(i);
    if (!v) return std::nullopt;
    auto t = util::parse_iso8601(*v);
    if (!t) throw StoreError("column " + std::to_string(i) + " is not an ISO 8601 time");
    return t;
}

bool is_uuid(const std::string& v) {
    return util::is_uuid(v);
}

void require_uuid(std::string_view what, const std::string& v) {
    if (!util::is_uuid(v)) throw StoreError(std::string(what) + " must be a UUID");
}

}  // namespace nchat::store::detail
