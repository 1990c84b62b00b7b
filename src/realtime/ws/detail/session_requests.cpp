// The requests of the protocol (docs/realtime.md, Client messages), on the session's strand,
// one at a time in the order they arrive.
#include <unordered_set>

#include "realtime/errors.hpp"
#include "realtime/service.hpp"
#include "realtime/ws/detail/session.hpp"
#include "realtime/ws/limits.hpp"

namespace nchat::realtime::ws::detail {
namespace {

using json = nlohmann::json;
using protocol::RequestType;
namespace code = protocol::code;

// Without a chat service (transport tests) rooms are open to anyone; the rest is unavailable.
bool uses_service(RequestType t) {
    return t != RequestType::auth && t != RequestType::ping && t != RequestType::unsubscribe &&
           t != RequestType::subscribe;
}

}  // namespace

net::awaitable<void> Session::handle(std::string text) {
    auto d = protocol::decode(text);
    std::string().swap(text);
    if (!d.request) {
        auto& e = d.error;
        if (e.code == code::kValidationFailed) {
            send_json(protocol::encode_error(e.id, e.stream_id, e.code, e.message, e.field));
        } else {
            bad_frame(e.code, e.message, e.id);
        }
        co_return;
    }
    const auto& r = *d.request;
    if (protocol::needs_principal(r.type) && !who_) {
        send_json(protocol::encode_error(r.id, r.stream_id, code::kNotAuthenticated,
                                         "authenticate first: send {\"type\":\"auth\",\"token\"}"));
        co_return;
    }
    if (uses_service(r.type) && !ctx_->service) {
        send_json(protocol::encode_error(r.id, r.stream_id, code::kUnavailable,
                                         "chat is not available on this server"));
        co_return;
    }
    try {
        switch (r.type) {
            case RequestType::auth:
                co_await authenticate(r);
                break;
            case RequestType::ping: {
                json pong = {{"type", "pong"}};
                if (!r.id.is_null()) pong["id"] = r.id;
                send_json(pong.dump());
                break;
            }
            case RequestType::subscribe:
                co_await subscribe(r);
                break;
            case RequestType::unsubscribe:
                unsubscribe(r);
                break;
            default: {
                auto data = co_await act(r);
                if (!r.id.is_null()) {
                    send_json(protocol::encode_ack(r.id, r.type, r.stream_id, data));
                }
            }
        }
    } catch (const Refusal& e) {
        send_json(protocol::encode_error(r.id, r.stream_id, e.code, e.what(), e.field,
                                         e.retry_after_seconds));
    } catch (const std::exception& e) {
        ctx_->log->error("peer={} {} stream={}: {}", peer_, protocol::to_string(r.type),
                         r.stream_id, e.what());
        send_json(protocol::encode_error(r.id, r.stream_id, code::kInternal, "internal error"));
    }
}

net::awaitable<void> Session::authenticate(const protocol::Request& r) {
    if (who_) {
        send_json(protocol::encode_error(r.id, {}, code::kValidationFailed,
                                         "this connection is already authenticated", "token"));
        co_return;
    }
    std::optional<auth::Principal> p;
    std::string refusal;
    try {
        std::string header = "Bearer " + r.token;
        p = co_await ctx_->authenticate(std::move(header));
    } catch (const std::exception& e) {
        refusal = e.what();
    }
    if (!p) {
        if (refusal.empty()) refusal = "token not accepted";
        bad_frame(code::kUnauthorized, refusal, r.id);
        co_return;
    }
    // This connection's anonymous seat in each room becomes the user's (viewer counts): its
    // anonymous viewer session ends and the user's goes on, or starts.
    auto& presence = ctx_->hub.presence();
    for (const auto& s : subs_)
        presence.leave(s.room->stream_id(), nullptr, connection());
    who_ = std::move(p);
    for (const auto& s : subs_)
        presence.join(s.room->stream_id(), &who_->user_id, connection());
    json data = {
        {"userId", who_->user_id}, {"name", who_->name}, {"role", store::to_string(who_->role)}};
    send_json(protocol::encode_ack(r.id, r.type, {}, data));
}

net::awaitable<void> Session::subscribe(const protocol::Request& r) {
    if (ctx_->service) co_await ctx_->service->check_can_view(who_, r.stream_id);
    if (find(r.stream_id)) {
        send_json(
            protocol::encode_ack(r.id, r.type, r.stream_id, json{{"alreadySubscribed", true}}));
        co_return;
    }
    if (subs_.size() >= limits::kMaxSubscriptions) {
        send_json(protocol::encode_error(
            r.id, r.stream_id, code::kTooManySubscriptions,
            "at most " + std::to_string(limits::kMaxSubscriptions) + " rooms per connection"));
        co_return;
    }
    // Join first, so nothing published from now on is missed; while the missed messages are
    // read from the store, live events of this room wait in the subscription.
    auto joined = shard_.rooms().join(r.stream_id, *this);
    Subscription sub;
    sub.room = joined.room;
    sub.index = joined.index;
    sub.replaying = r.last_message_id.has_value() && ctx_->service;
    subs_.push_back(std::move(sub));

    std::size_t replayed = 0;
    bool truncated = false;
    if (r.last_message_id && !ctx_->service) {
        send_json(protocol::encode_error(r.id, r.stream_id, code::kUnavailable,
                                         "resume is not available on this server"));
    } else if (r.last_message_id) {
        ++replaying_;
        std::unordered_set<std::string> seen;
        std::string after = *r.last_message_id;
        std::string refusal_code, refusal_message, refusal_field;
        try {
            for (;;) {
                auto page = co_await ctx_->service->chat_since(who_, r.stream_id, after,
                                                               limits::kReplayPage);
                for (const auto& m : page) {
                    if (auto id = m.find("id"); id != m.end() && id->is_string()) {
                        seen.insert(id->get<std::string>());
                    }
                    send_json(protocol::encode_event("chat.message", r.stream_id, m));
                }
                replayed += page.size();
                if (page.size() < std::size_t(limits::kReplayPage) || page.empty()) break;
                if (replayed >= limits::kMaxReplay) {
                    truncated = true;
                    break;
                }
                after = page.back().value("id", std::string{});
            }
        } catch (const Refusal& e) {
            refusal_code = e.code;
            refusal_message = e.what();
            refusal_field = e.field;
        } catch (const std::exception& e) {
            ctx_->log->error("peer={} stream={} resume failed: {}", peer_, r.stream_id, e.what());
            refusal_code = code::kInternal;
            refusal_message = "could not read the missed messages";
        }
        --replaying_;
        // Still subscribed (only this coroutine unsubscribes): release what was held.
        if (auto* s = find(r.stream_id)) {
            s->replaying = false;
            auto held = std::exchange(s->held, {});
            for (const auto& e : held) {
                if (e->type == "chat.message" && seen.count(e->message_id)) continue;
                send(e->frame);
            }
        }
        if (!refusal_code.empty()) {
            // The live room stays joined; only the replay failed (an unknown lastMessageId).
            send_json(protocol::encode_error(r.id, r.stream_id, refusal_code, refusal_message,
                                             refusal_field));
        }
    }
    auto viewers = ctx_->hub.presence().total(r.stream_id);
    send_json(protocol::encode_event("viewers", r.stream_id, json{{"count", viewers}}));
    json data = {{"viewers", viewers}};
    if (r.last_message_id) {
        data["replayed"] = replayed;
        data["truncated"] = truncated;
    }
    send_json(protocol::encode_ack(r.id, r.type, r.stream_id, data));
}

void Session::unsubscribe(const protocol::Request& r) {
    auto* s = find(r.stream_id);
    if (!s) {
        send_json(protocol::encode_error(r.id, r.stream_id, code::kNotSubscribed,
                                         "not subscribed to this stream"));
        return;
    }
    Room* room = s->room;
    auto index = s->index;
    subs_.erase(subs_.begin() + (s - subs_.data()));
    shard_.rooms().leave(*room, index);
    if (!r.id.is_null()) send_json(protocol::encode_ack(r.id, r.type, r.stream_id, json::object()));
}

net::awaitable<json> Session::act(const protocol::Request& r) {
    auto& svc = *ctx_->service;
    const auth::Principal& who = *who_;
    switch (r.type) {
        case RequestType::chat_send:
            co_return co_await svc.send_chat(who, r.stream_id, r.content, r.is_question);
        case RequestType::reaction_send:
            co_return co_await svc.react(who, r.stream_id, r.emoji, r.position_x, r.position_y);
        case RequestType::chat_delete:
            co_await svc.delete_message(who, r.stream_id, r.message_id);
            co_return json{{"messageId", r.message_id}};
        case RequestType::chat_pin:
            co_return co_await svc.pin(who, r.stream_id, r.message_id);
        case RequestType::chat_unpin:
            co_await svc.unpin(who, r.stream_id, r.message_id);
            co_return json{{"messageId", r.message_id}};
        case RequestType::chat_clear: {
            auto n = co_await svc.clear_chat(who, r.stream_id);
            co_return json{{"count", n}};
        }
        case RequestType::user_ban:
            co_return co_await svc.ban(who, r.stream_id, r.user_id, r.duration_seconds, r.reason);
        case RequestType::user_unban:
            co_await svc.unban(who, r.stream_id, r.user_id);
            co_return json{{"userId", r.user_id}};
        case RequestType::slowmode_set:
            co_await svc.set_slow_mode(who, r.stream_id, r.seconds);
            co_return json{{"seconds", r.seconds}};
        case RequestType::question_vote:
            co_return co_await svc.vote_question(who, r.stream_id, r.question_id, r.up);
        case RequestType::question_update:
            co_return co_await svc.set_question_status(who, r.stream_id, r.question_id, r.status);
        default:
            co_return json::object();
    }
}

}  // namespace nchat::realtime::ws::detail
