// realtime::Service: moderation (docs/chat.md, Moderation). Every action and its log row are
// one transaction; its event goes out once it is stored.
#include "realtime/content.hpp"
#include "realtime/detail/service_impl.hpp"
#include "realtime/message_json.hpp"
#include "util/ids.hpp"
#include "util/time.hpp"

namespace nchat::realtime {
namespace {

constexpr int kMaxTimeoutSeconds = 14 * 24 * 3600;
constexpr std::size_t kMaxReason = 200;
constexpr int kMaxLogPage = 100;

void check_message_id(const std::string& id) {
    if (!util::is_uuid(id)) throw not_found("no message " + id + " in this stream");
}

}  // namespace

net::awaitable<void> Service::Impl::delete_message(auth::Principal who,
                                                   std::string stream_id,
                                                   std::string message_id) {
    co_await load_as_moderator(who, stream_id);
    check_message_id(message_id);
    auto entry = log_entry(who, stream_id, "delete_message");
    entry.target_message_id = message_id;
    bool changed = false;
    co_await db.write([&](store::Store& st) {
        st.transaction([&] {
            auto m = st.get_chat_message(stream_id, message_id);
            if (!m) throw not_found("no message " + message_id + " in this stream");
            changed = st.delete_chat_message(stream_id, message_id, who.user_id, entry.created_at);
            if (!changed) return;
            entry.target_user_id = m->user_id;
            entry.details = nlohmann::json{{"content", m->content}}.dump(
                -1, ' ', false, nlohmann::json::error_handler_t::replace);
            st.add_moderation_entry(entry);
        });
    });
    if (changed) {
        publish(stream_id, "chat.deleted", {{"messageId", message_id}, {"deletedBy", who.user_id}});
    }
}

net::awaitable<nlohmann::json> Service::Impl::pin(auth::Principal who,
                                                  std::string stream_id,
                                                  std::string message_id) {
    co_await load_as_moderator(who, stream_id);
    check_message_id(message_id);
    auto entry = log_entry(who, stream_id, "pin_message");
    entry.target_message_id = message_id;
    store::ChatMessage pinned;
    co_await db.write([&](store::Store& st) {
        st.transaction([&] {
            auto m = st.get_chat_message(stream_id, message_id);
            if (!m) throw not_found("no message " + message_id + " in this stream");
            if (m->is_deleted) throw wrong_state("a deleted message cannot be pinned");
            st.pin_chat_message(stream_id, message_id);
            entry.target_user_id = m->user_id;
            st.add_moderation_entry(entry);
            pinned = std::move(*m);
            pinned.is_pinned = true;
        });
    });
    auto out = message_to_json(pinned);
    publish(stream_id, "chat.pinned", out);
    co_return out;
}

net::awaitable<void> Service::Impl::unpin(auth::Principal who,
                                          std::string stream_id,
                                          std::string message_id) {
    co_await load_as_moderator(who, stream_id);
    check_message_id(message_id);
    auto entry = log_entry(who, stream_id, "unpin_message");
    entry.target_message_id = message_id;
    bool changed = false;
    co_await db.write([&](store::Store& st) {
        st.transaction([&] {
            auto m = st.get_chat_message(stream_id, message_id);
            if (!m) throw not_found("no message " + message_id + " in this stream");
            changed = st.unpin_chat_message(stream_id, message_id);
            if (!changed) return;
            entry.target_user_id = m->user_id;
            st.add_moderation_entry(entry);
        });
    });
    if (changed) publish(stream_id, "chat.unpinned", {{"messageId", message_id}});
}

net::awaitable<std::int64_t> Service::Impl::clear_chat(auth::Principal who, std::string stream_id) {
    co_await load_as_moderator(who, stream_id);
    auto entry = log_entry(who, stream_id, "clear_chat");
    std::int64_t count = 0;
    co_await db.write([&](store::Store& st) {
        st.transaction([&] {
            count = st.clear_chat(stream_id, who.user_id, entry.created_at);
            entry.details = nlohmann::json{{"count", count}}.dump();
            st.add_moderation_entry(entry);
        });
    });
    publish(stream_id, "chat.cleared", {{"clearedBy", who.user_id}, {"count", count}});
    co_return count;
}

net::awaitable<nlohmann::json> Service::Impl::ban(auth::Principal who,
                                                  std::string stream_id,
                                                  std::string user_id,
                                                  std::optional<int> duration_seconds,
                                                  std::optional<std::string> reason) {
    auto room = co_await load_as_moderator(who, stream_id);
    if (!util::is_uuid(user_id)) throw invalid("userId", "userId must be a UUID");
    if (duration_seconds && (*duration_seconds < 1 || *duration_seconds > kMaxTimeoutSeconds)) {
        throw invalid("durationSeconds", "durationSeconds must be an integer from 1 to " +
                                             std::to_string(kMaxTimeoutSeconds));
    }
    if (reason) {
        auto c = sanitize_content(*reason, kMaxReason);
        if (c.problem == Content::Problem::empty) {
            reason.reset();
        } else if (c.problem != Content::Problem::none) {
            throw invalid("reason", "reason must be at most " + std::to_string(kMaxReason) +
                                        " characters of valid text");
        } else {
            reason = std::move(c.text);
        }
    }
    if (user_id == room.stream.broadcaster_id) {
        throw forbidden("the broadcaster cannot be banned from their own stream");
    }
    auto now = clock.now();
    store::Ban b{stream_id, user_id, who.user_id, reason, std::nullopt, now};
    if (duration_seconds) b.expires_at = now + std::chrono::seconds(*duration_seconds);
    const char* action = duration_seconds ? "timeout" : "ban";
    auto entry =
        log_entry(who, stream_id, action,
                  {{"durationSeconds",
                    duration_seconds ? nlohmann::json(*duration_seconds) : nlohmann::json(nullptr)},
                   {"reason", reason ? nlohmann::json(*reason) : nlohmann::json(nullptr)}});
    entry.target_user_id = user_id;
    auto channel = room.stream.channel_id;
    co_await db.write([&](store::Store& st) {
        st.transaction([&] {
            // Those who moderate the room cannot be banned from it.
            auto target = st.get_user(user_id);
            bool staff = target && (target->role == store::Role::admin ||
                                    target->role == store::Role::moderator);
            if (staff ||
                st.has_channel_relation(store::Store::Relation::moderator, channel, user_id)) {
                throw forbidden("moderators and admins cannot be banned");
            }
            st.put_ban(b);
            st.add_moderation_entry(entry);
        });
    });
    auto out = ban_to_json(b);
    publish(stream_id, "moderation",
            {{"action", action},
             {"userId", user_id},
             {"expiresAt", out["expiresAt"]},
             {"reason", out["reason"]}},
            user_id);
    co_return out;
}

net::awaitable<void> Service::Impl::unban(auth::Principal who,
                                          std::string stream_id,
                                          std::string user_id) {
    co_await load_as_moderator(who, stream_id);
    if (!util::is_uuid(user_id)) throw invalid("userId", "userId must be a UUID");
    auto entry = log_entry(who, stream_id, "unban");
    entry.target_user_id = user_id;
    bool removed = false;
    co_await db.write([&](store::Store& st) {
        st.transaction([&] {
            removed = st.remove_ban(stream_id, user_id);
            if (removed) st.add_moderation_entry(entry);
        });
    });
    if (removed) {
        publish(stream_id, "moderation", {{"action", "unban"}, {"userId", user_id}}, user_id);
    }
}

net::awaitable<nlohmann::json> Service::Impl::list_bans(auth::Principal who,
                                                        std::string stream_id) {
    co_await load_as_moderator(who, stream_id);
    auto now = clock.now();
    auto rows = co_await db.read([&](store::Store& st) { return st.list_bans(stream_id, now); });
    auto out = nlohmann::json::array();
    for (const auto& b : rows)
        out.push_back(ban_to_json(b));
    co_return out;
}

net::awaitable<void> Service::Impl::set_slow_mode(auth::Principal who,
                                                  std::string stream_id,
                                                  int seconds) {
    co_await load_as_moderator(who, stream_id);
    if (seconds < 0 || seconds > cfg.max_slow_mode_seconds) {
        throw invalid("seconds", "seconds must be an integer from 0 (off) to " +
                                     std::to_string(cfg.max_slow_mode_seconds));
    }
    auto entry = log_entry(who, stream_id, "slow_mode", {{"seconds", seconds}});
    co_await db.write([&](store::Store& st) {
        st.transaction([&] {
            st.set_slow_mode(stream_id, seconds, entry.created_at);
            st.add_moderation_entry(entry);
        });
    });
    publish(stream_id, "chat.settings", {{"slowModeSeconds", seconds}});
}

net::awaitable<int> Service::Impl::slow_mode(std::optional<auth::Principal> who,
                                             std::string stream_id) {
    auto room = co_await load(who, stream_id, {.slow_mode = true});
    co_return room.slow_mode_seconds;
}

net::awaitable<nlohmann::json> Service::Impl::moderation_log(auth::Principal who,
                                                             std::string stream_id,
                                                             int limit,
                                                             int offset) {
    check_page(limit, kMaxLogPage, offset);
    co_await load_as_moderator(who, stream_id);
    auto rows = co_await db.read(
        [&](store::Store& st) { return st.moderation_log(stream_id, limit, offset); });
    auto out = nlohmann::json::array();
    for (const auto& e : rows)
        out.push_back(moderation_entry_to_json(e));
    co_return out;
}

}  // namespace nchat::realtime
