#include "store/types.hpp"

#include <array>
#include <chrono>
#include <utility>

namespace nchat::store {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 4> kRoles{{
    {Role::admin, "admin"},
    {Role::broadcaster, "broadcaster"},
    {Role::moderator, "moderator"},
    {Role::viewer, "viewer"},
}};
constexpr std::array<std::pair<StreamStatus, std::string_view>, 5> kStatuses{{
    {StreamStatus::scheduled, "scheduled"},
    {StreamStatus::preparing, "preparing"},
    {StreamStatus::live, "live"},
    {StreamStatus::ended, "ended"},
    {StreamStatus::cancelled, "cancelled"},
}};
constexpr std::array<std::pair<QuestionStatus, std::string_view>, 3> kQuestionStatuses{{
    {QuestionStatus::open, "open"},
    {QuestionStatus::answered, "answered"},
    {QuestionStatus::dismissed, "dismissed"},
}};

}  // namespace

std::string_view to_string(Role r) {
    for (auto& [k, v] : kRoles) {
        if (k == r) return v;
    }
    return "viewer";
}

std::optional<Role> parse_role(std::string_view s) {
    for (auto& [k, v] : kRoles) {
        if (v == s) return k;
    }
    return std::nullopt;
}

std::string_view to_string(StreamStatus s) {
    for (auto& [k, v] : kStatuses) {
        if (k == s) return v;
    }
    return "preparing";
}

std::optional<StreamStatus> parse_stream_status(std::string_view s) {
    for (auto& [k, v] : kStatuses) {
        if (v == s) return k;
    }
    return std::nullopt;
}

std::string_view to_string(QuestionStatus s) {
    for (auto& [k, v] : kQuestionStatuses) {
        if (k == s) return v;
    }
    return "open";
}

std::optional<QuestionStatus> parse_question_status(std::string_view s) {
    for (auto& [k, v] : kQuestionStatuses) {
        if (v == s) return k;
    }
    return std::nullopt;
}

std::int64_t watch_seconds(Time joined, Time left) {
    if (left <= joined) return 0;
    return std::chrono::duration_cast<std::chrono::seconds>(left - joined).count();
}

}  // namespace nchat::store
