// realtime::Service: sending and reading chat (docs/chat.md, Chat).
#include "realtime/content.hpp"
#include "realtime/detail/service_impl.hpp"
#include "realtime/message_json.hpp"
#include "util/ids.hpp"

namespace nchat::realtime {
namespace {

constexpr int kMaxChatPage = 100;    // product spec: limit ≤ 100
constexpr int kMaxResumePage = 500;  // resume replays at most this many per call

std::string sender_key(const std::string& stream_id, const std::string& user_id) {
    return stream_id + '/' + user_id;
}

Content checked_content(const std::string& content, std::size_t max) {
    auto c = sanitize_content(content, max);
    switch (c.problem) {
        case Content::Problem::none:
            break;
        case Content::Problem::invalid_utf8:
            throw invalid("content", "content is not valid UTF-8");
        case Content::Problem::empty:
            throw invalid("content", "content must not be empty");
        case Content::Problem::too_long:
            throw invalid("content",
                          "content must be at most " + std::to_string(max) + " characters");
    }
    return c;
}

// Chat modes (docs/chat.md): moderators pass every mode; `disabled` lets only them speak.
void check_mode(const Room& room) {
    if (room.moderates) return;
    const auto& mode = room.stream.chat_mode;
    if (mode == "disabled") {
        throw Refusal(403, code::kChatDisabled,
                      "chat is in disabled mode: only the broadcaster and moderators may post");
    }
    if (mode == "followers" && !room.follower && !room.subscriber) {
        throw Refusal(403, code::kFollowersOnly, "only followers of the channel may chat");
    }
    if (mode == "subscribers" && !room.subscriber) {
        throw Refusal(403, code::kSubscribersOnly, "only subscribers of the channel may chat");
    }
}

}  // namespace

net::awaitable<nlohmann::json> Service::Impl::send_chat(auth::Principal who,
                                                        std::string stream_id,
                                                        std::string content,
                                                        bool as_question) {
    if (!cfg.chat_enabled) {
        throw Refusal(403, code::kChatDisabled, "chat is turned off on this server");
    }
    // Every attempt takes a token, refused ones too: the limit protects the store.
    auto key = sender_key(stream_id, who.user_id);
    co_await take_token(chat_limiter, key);
    auto text = checked_content(content, cfg.max_content);
    std::optional<auth::Principal> as = who;
    auto room = co_await load(as, stream_id, {.relations = true, .ban = true, .slow_mode = true});
    check_open(room.stream);
    if (!room.stream.enable_chat) {
        throw Refusal(403, code::kChatDisabled, "chat is turned off for this stream");
    }
    auto now = clock.now();
    check_not_banned(room, now);
    check_mode(room);
    if (as_question && !room.stream.enable_qa) {
        throw Refusal(403, code::kQaDisabled, "Q&A is not enabled for this stream", "isQuestion");
    }
    if (!profanity.empty() && profanity.contains(text.text)) {
        if (cfg.profanity_mode == ProfanityMode::reject) {
            throw Refusal(400, code::kProfanity, "the message contains words this chat refuses",
                          "content");
        }
        text.text = profanity.mask(text.text);
    }
    bool gated = !room.moderates && room.slow_mode_seconds > 0;
    if (gated) {
        // Several nodes: one message per interval is a bucket of one token that comes back once
        // per interval, kept in Redis for all of them (a send that then fails to be stored is
        // not given back there); without an answer from Redis, this node's gate decides.
        std::optional<RateLimiter::Decision> shared;
        if (shared_limits) {
            auto slow_key = "slow/" + key;
            const double per_second = 1.0 / room.slow_mode_seconds;
            shared = co_await shared_limits->take(slow_key, per_second, 1.0);
        }
        auto wait = shared ? shared->retry_after
                           : slow_mode_gate.pass(key, std::chrono::seconds(room.slow_mode_seconds),
                                                 clock.steady_now());
        if (shared && !shared->allowed && wait.count() <= 0) wait = std::chrono::milliseconds(1);
        if (wait.count() > 0) {
            throw Refusal(429, code::kSlowMode,
                          "slow mode: one message every " + std::to_string(room.slow_mode_seconds) +
                              " seconds",
                          {}, retry_seconds(wait));
        }
    }
    store::ChatMessage m;
    m.id = util::new_uuid();
    m.stream_id = stream_id;
    m.user_id = who.user_id;
    m.user_name = display_name(who);
    m.content = std::move(text.text);
    m.is_question = as_question;
    m.created_at = now;
    if (media_clock) m.media_ms = media_clock(stream_id, now);
    auto out = message_to_json(m);
    try {
        co_await chat_writer.write(std::move(m));
    } catch (...) {
        if (gated) slow_mode_gate.forget(key);
        throw;
    }
    ++messages;
    co_return out;
}

net::awaitable<nlohmann::json> Service::Impl::list_chat(std::optional<auth::Principal> who,
                                                        std::string stream_id,
                                                        int limit,
                                                        int offset,
                                                        bool include_deleted) {
    check_page(limit, kMaxChatPage, offset);
    auto room = co_await load(who, stream_id, {});
    if (include_deleted && !room.moderates) {
        throw forbidden("only moderators may see deleted messages");
    }
    auto rows = co_await db.read(
        [&](store::Store& st) { return st.list_chat(stream_id, limit, offset, include_deleted); });
    auto out = nlohmann::json::array();
    for (const auto& m : rows)
        out.push_back(message_to_json(m, include_deleted));
    co_return out;
}

net::awaitable<std::vector<nlohmann::json>> Service::Impl::chat_since(
    std::optional<auth::Principal> who,
    std::string stream_id,
    std::string last_message_id,
    int limit) {
    check_page(limit, kMaxResumePage, 0);
    if (!util::is_uuid(last_message_id)) {
        throw not_found("no message " + last_message_id + " in this stream", "lastMessageId");
    }
    co_await load(who, stream_id, {});
    auto rows = co_await db.read(
        [&](store::Store& st) { return st.chat_after(stream_id, last_message_id, limit); });
    if (!rows)
        throw not_found("no message " + last_message_id + " in this stream", "lastMessageId");
    std::vector<nlohmann::json> out;
    out.reserve(rows->size());
    for (const auto& m : *rows)
        out.push_back(message_to_json(m));
    co_return out;
}

}  // namespace nchat::realtime
