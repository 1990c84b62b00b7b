#pragma once
// The WebSocket protocol, version 1 (docs/realtime.md): client frames decoded into typed
// requests, and the server's frames encoded. Pure functions (no I/O, clock or logging), so the
// decoder is fuzzed (tests/fuzz/realtime_message_fuzz.cpp) and tested as a table.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "realtime/events.hpp"

namespace nchat::realtime::protocol {

inline constexpr int kVersion = 1;

// Error codes of the protocol itself; the chat service adds its own (realtime/errors.hpp).
namespace code {
inline constexpr std::string_view kBadMessage = "bad_message";  // not a JSON object, binary
inline constexpr std::string_view kUnknownType = "unknown_type";
inline constexpr std::string_view kTooLarge = "too_large";
inline constexpr std::string_view kValidationFailed = "validation_failed";
inline constexpr std::string_view kNotAuthenticated = "not_authenticated";
inline constexpr std::string_view kUnauthorized = "unauthorized";  // a token that is not valid
inline constexpr std::string_view kNotSubscribed = "not_subscribed";
inline constexpr std::string_view kTooManySubscriptions = "too_many_subscriptions";
inline constexpr std::string_view kInternal = "internal";
inline constexpr std::string_view kUnavailable = "unavailable";
}  // namespace code

enum class RequestType {
    auth,
    subscribe,
    unsubscribe,
    ping,
    chat_send,
    reaction_send,
    chat_delete,
    chat_pin,
    chat_unpin,
    chat_clear,
    user_ban,
    user_unban,
    slowmode_set,
    question_vote,
    question_update,
};

std::string_view to_string(RequestType t);
// Needs an authenticated connection (everything but auth, subscribe, unsubscribe, ping).
bool needs_principal(RequestType t);

// One decoded client frame. Only the fields of its type are set.
struct Request {
    RequestType type = RequestType::ping;
    nlohmann::json id;      // the client's request id (string or integer), null when absent
    std::string stream_id;  // every type but auth and ping
    std::string token;      // auth
    std::optional<std::string> last_message_id;  // subscribe: resume after this message
    std::string content;                         // chat.send
    bool is_question = false;                    // chat.send
    std::string emoji;                           // reaction.send
    std::optional<double> position_x, position_y;
    std::string message_id;               // chat.delete, chat.pin, chat.unpin
    std::string user_id;                  // user.ban, user.unban
    std::optional<int> duration_seconds;  // user.ban: a timeout
    std::optional<std::string> reason;    // user.ban
    int seconds = 0;                      // slowmode.set
    std::string question_id;              // question.vote, question.update
    bool up = true;                       // question.vote
    std::string status;                   // question.update
};

struct DecodeError {
    std::string_view code;  // code::k…
    std::string message;
    std::string field;      // the offending field, if any
    nlohmann::json id;      // the request's id when it could be read (null otherwise)
    std::string stream_id;  // the request's streamId when it could be read
};

struct Decoded {
    std::optional<Request> request;  // set on success
    DecodeError error;               // when !request
};

// Decodes one text message (already known to be at most ws::limits::kMaxMessageBytes).
Decoded decode(std::string_view text);

// ---- server → client (each returns the JSON text of one message) ----

// {"type","streamId","data"}: a room event.
std::string encode_event(const Event& e);
std::string encode_event(std::string_view type,
                         std::string_view stream_id,
                         const nlohmann::json& data);
// {"type":"error","id"?,"streamId"?,"data":{"code","message","field"?,"retryAfter"?}}
std::string encode_error(const nlohmann::json& id,
                         std::string_view stream_id,
                         std::string_view code,
                         std::string_view message,
                         std::string_view field = {},
                         std::optional<int> retry_after = std::nullopt);
// {"type":"ack","id","for","streamId"?,"data"?}: the answer to a request that carried an id.
std::string encode_ack(const nlohmann::json& id,
                       RequestType for_type,
                       std::string_view stream_id,
                       const nlohmann::json& data);

}  // namespace nchat::realtime::protocol
