#include "realtime/protocol.hpp"

#include <array>
#include <limits>
#include <utility>

#include "realtime/ws/limits.hpp"

namespace nchat::realtime::protocol {
namespace {

using nlohmann::json;
namespace limits = ws::limits;

struct TypeName {
    std::string_view name;
    RequestType type;
};
constexpr std::array<TypeName, 15> kTypes{{
    {"auth", RequestType::auth},
    {"subscribe", RequestType::subscribe},
    {"unsubscribe", RequestType::unsubscribe},
    {"ping", RequestType::ping},
    {"chat.send", RequestType::chat_send},
    {"reaction.send", RequestType::reaction_send},
    {"chat.delete", RequestType::chat_delete},
    {"chat.pin", RequestType::chat_pin},
    {"chat.unpin", RequestType::chat_unpin},
    {"chat.clear", RequestType::chat_clear},
    {"user.ban", RequestType::user_ban},
    {"user.unban", RequestType::user_unban},
    {"slowmode.set", RequestType::slowmode_set},
    {"question.vote", RequestType::question_vote},
    {"question.update", RequestType::question_update},
}};

std::string dump(const json& j) {
    // Text from users is valid UTF-8 by the time it is stored; replace rather than throw for
    // anything that is not (an error message quoting a client's bytes).
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Reads the fields of one request; the first problem is kept and the rest are skipped.
class Fields {
public:
    Fields(const json& obj, DecodeError& err) : obj_(obj), err_(err) {}
    bool failed() const { return failed_; }

    // A required or optional string of 1..max bytes (null counts as absent).
    std::optional<std::string> string(const char* name, std::size_t max, bool required) {
        auto it = obj_.find(name);
        if (it == obj_.end() || it->is_null()) {
            if (required) fail(name, std::string(name) + " is required");
            return std::nullopt;
        }
        if (!it->is_string()) {
            fail(name, std::string(name) + " must be a string");
            return std::nullopt;
        }
        const auto& s = it->get_ref<const std::string&>();
        if (s.empty() && required) {
            fail(name, std::string(name) + " must not be empty");
            return std::nullopt;
        }
        if (s.size() > max) {
            fail(name, std::string(name) + " is too long");
            return std::nullopt;
        }
        return s;
    }
    std::string required(const char* name, std::size_t max) {
        return string(name, max, true).value_or(std::string{});
    }
    std::optional<double> number(const char* name) {
        auto it = obj_.find(name);
        if (it == obj_.end() || it->is_null()) return std::nullopt;
        if (!it->is_number()) {
            fail(name, std::string(name) + " must be a number");
            return std::nullopt;
        }
        return it->get<double>();
    }
    std::optional<int> integer(const char* name, bool required) {
        auto it = obj_.find(name);
        if (it == obj_.end() || it->is_null()) {
            if (required) fail(name, std::string(name) + " is required");
            return std::nullopt;
        }
        if (it->is_number_unsigned()) {
            auto v = it->get<std::uint64_t>();
            if (v > std::uint64_t(std::numeric_limits<int>::max())) {
                fail(name, std::string(name) + " is out of range");
                return std::nullopt;
            }
            return static_cast<int>(v);
        }
        if (it->is_number_integer()) {
            auto v = it->get<std::int64_t>();
            if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
                fail(name, std::string(name) + " is out of range");
                return std::nullopt;
            }
            return static_cast<int>(v);
        }
        fail(name, std::string(name) + " must be an integer");
        return std::nullopt;
    }
    std::optional<bool> boolean(const char* name) {
        auto it = obj_.find(name);
        if (it == obj_.end() || it->is_null()) return std::nullopt;
        if (!it->is_boolean()) {
            fail(name, std::string(name) + " must be true or false");
            return std::nullopt;
        }
        return it->get<bool>();
    }

private:
    void fail(const char* field, std::string message) {
        if (failed_) return;
        failed_ = true;
        err_.code = code::kValidationFailed;
        err_.field = field;
        err_.message = std::move(message);
    }

    const json& obj_;
    DecodeError& err_;
    bool failed_ = false;
};

Decoded failure(DecodeError e) {
    return Decoded{std::nullopt, std::move(e)};
}

}  // namespace

std::string_view to_string(RequestType t) {
    for (const auto& tn : kTypes) {
        if (tn.type == t) return tn.name;
    }
    return "unknown";
}

bool needs_principal(RequestType t) {
    switch (t) {
        case RequestType::auth:
        case RequestType::subscribe:
        case RequestType::unsubscribe:
        case RequestType::ping:
            return false;
        default:
            return true;
    }
}

Decoded decode(std::string_view text) {
    DecodeError err;
    // The callback keeps nesting shallow: our requests are flat objects, so anything deeper
    // is discarded while parsing instead of being built.
    json::parser_callback_t shallow = [](int depth, json::parse_event_t, json&) {
        return depth <= limits::kMaxJsonDepth;
    };
    json obj = json::parse(text.begin(), text.end(), shallow, /*allow_exceptions=*/false);
    if (obj.is_discarded()) {
        err.code = code::kBadMessage;
        err.message = "not valid JSON";
        return failure(std::move(err));
    }
    if (!obj.is_object()) {
        err.code = code::kBadMessage;
        err.message = "a message must be a JSON object";
        return failure(std::move(err));
    }
    // The id first, so every later error can echo it.
    if (auto it = obj.find("id"); it != obj.end() && !it->is_null()) {
        bool ok = it->is_number_integer() ||
                  (it->is_string() &&
                   it->get_ref<const std::string&>().size() <= limits::kMaxRequestIdBytes);
        if (!ok) {
            err.code = code::kValidationFailed;
            err.field = "id";
            err.message = "id must be an integer or a string of at most 64 bytes";
            return failure(std::move(err));
        }
        err.id = *it;
    }
    if (auto it = obj.find("streamId");
        it != obj.end() && it->is_string() &&
        it->get_ref<const std::string&>().size() <= limits::kMaxIdBytes) {
        err.stream_id = it->get<std::string>();
    }
    auto t = obj.find("type");
    if (t == obj.end() || !t->is_string()) {
        err.code = code::kBadMessage;
        err.field = "type";
        err.message = "a message needs a string `type`";
        return failure(std::move(err));
    }
    const auto& name = t->get_ref<const std::string&>();
    const TypeName* found = nullptr;
    for (const auto& tn : kTypes) {
        if (tn.name == name) found = &tn;
    }
    if (!found) {
        err.code = code::kUnknownType;
        err.field = "type";
        err.message = "unknown message type '" + name.substr(0, 64) + "'";
        return failure(std::move(err));
    }

    Request r;
    r.type = found->type;
    r.id = err.id;
    Fields f(obj, err);
    if (r.type != RequestType::auth && r.type != RequestType::ping) {
        r.stream_id = f.required("streamId", limits::kMaxIdBytes);
    }
    switch (r.type) {
        case RequestType::auth:
            r.token = f.required("token", limits::kMaxTokenBytes);
            break;
        case RequestType::subscribe:
            r.last_message_id = f.string("lastMessageId", limits::kMaxIdBytes, false);
            break;
        case RequestType::unsubscribe:
        case RequestType::ping:
        case RequestType::chat_clear:
            break;
        case RequestType::chat_send:
            // Its length in code points is the chat service's rule; here only its type.
            r.content = f.required("content", limits::kMaxMessageBytes);
            r.is_question = f.boolean("isQuestion").value_or(false);
            break;
        case RequestType::reaction_send:
            r.emoji = f.required("emoji", limits::kMaxEmojiBytes);
            r.position_x = f.number("positionX");
            r.position_y = f.number("positionY");
            break;
        case RequestType::chat_delete:
        case RequestType::chat_pin:
        case RequestType::chat_unpin:
            r.message_id = f.required("messageId", limits::kMaxIdBytes);
            break;
        case RequestType::user_ban:
            r.user_id = f.required("userId", limits::kMaxIdBytes);
            r.duration_seconds = f.integer("durationSeconds", false);
            r.reason = f.string("reason", limits::kMaxReasonBytes, false);
            break;
        case RequestType::user_unban:
            r.user_id = f.required("userId", limits::kMaxIdBytes);
            break;
        case RequestType::slowmode_set:
            r.seconds = f.integer("seconds", true).value_or(0);
            break;
        case RequestType::question_vote:
            r.question_id = f.required("questionId", limits::kMaxIdBytes);
            r.up = f.boolean("up").value_or(true);
            break;
        case RequestType::question_update:
            r.question_id = f.required("questionId", limits::kMaxIdBytes);
            r.status = f.required("status", 32);
            break;
    }
    if (f.failed()) return failure(std::move(err));
    return Decoded{std::move(r), {}};
}

std::string encode_event(const Event& e) {
    return encode_event(e.type, e.stream_id, e.data);
}

std::string encode_event(std::string_view type,
                         std::string_view stream_id,
                         const nlohmann::json& data) {
    json j = json::object();
    j["type"] = type;
    // Connection-level events (hello, dropped) belong to no room.
    if (!stream_id.empty()) j["streamId"] = stream_id;
    j["data"] = data.is_null() ? json::object() : data;
    return dump(j);
}

std::string encode_error(const nlohmann::json& id,
                         std::string_view stream_id,
                         std::string_view code,
                         std::string_view message,
                         std::string_view field,
                         std::optional<int> retry_after) {
    json data = json::object();
    data["code"] = code;
    data["message"] = message;
    if (!field.empty()) data["field"] = field;
    if (retry_after) data["retryAfter"] = *retry_after;
    json j = json::object();
    j["type"] = "error";
    if (!id.is_null()) j["id"] = id;
    if (!stream_id.empty()) j["streamId"] = stream_id;
    j["data"] = std::move(data);
    return dump(j);
}

std::string encode_ack(const nlohmann::json& id,
                       RequestType for_type,
                       std::string_view stream_id,
                       const nlohmann::json& data) {
    json j = json::object();
    j["type"] = "ack";
    j["id"] = id;
    j["for"] = to_string(for_type);
    if (!stream_id.empty()) j["streamId"] = stream_id;
    j["data"] = data.is_null() ? json::object() : data;
    return dump(j);
}

}  // namespace nchat::realtime::protocol
