// realtime::Service: construction, the periodic flush (reactions, viewer sessions), the shared
// room rules, and the public methods (each maps an overloaded store to a Refusal). The actions
// are in service_*.cpp.
#include "realtime/service.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "realtime/detail/service_impl.hpp"
#include "realtime/message_json.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

namespace nchat::realtime {
namespace {

std::vector<std::string> filter_words(const ServiceConfig& cfg) {
    auto words = cfg.profanity_words;
    if (cfg.profanity_builtin) {
        const auto& builtin = ProfanityFilter::builtin_words();
        words.insert(words.end(), builtin.begin(), builtin.end());
    }
    return words;
}

// Runs an action: an overloaded store becomes a Refusal the client can retry; refusals counted.
template <class T>
net::awaitable<T> guard(Service::Impl& impl, net::awaitable<T> action) {
    try {
        co_return co_await std::move(action);
    } catch (const Refusal&) {
        ++impl.refusals;
        throw;
    } catch (const store::Overloaded&) {
        ++impl.refusals;
        throw Refusal(503, code::kUnavailable, "storage is overloaded, retry shortly", {}, 1);
    }
}

net::awaitable<void> guard(Service::Impl& impl, net::awaitable<void> action) {
    try {
        co_await std::move(action);
    } catch (const Refusal&) {
        ++impl.refusals;
        throw;
    } catch (const store::Overloaded&) {
        ++impl.refusals;
        throw Refusal(503, code::kUnavailable, "storage is overloaded, retry shortly", {}, 1);
    }
}

}  // namespace

// ---- shared rules ----

std::string display_name(const auth::Principal& who) {
    if (!who.name.empty()) return who.name;
    return "user-" + who.user_id.substr(0, 8);
}

void check_page(int limit, int max_limit, int offset) {
    if (limit < 1 || limit > max_limit) {
        throw invalid("limit", "limit must be an integer from 1 to " + std::to_string(max_limit));
    }
    if (offset < 0 || offset > 1'000'000) {
        throw invalid("offset", "offset must be an integer from 0 to 1000000");
    }
}

void check_open(const store::Stream& s) {
    if (s.status == store::StreamStatus::ended || s.status == store::StreamStatus::cancelled) {
        throw Refusal(
            409, code::kStreamEnded,
            "the stream has " + std::string(store::to_string(s.status)) + "; its chat is closed");
    }
}

void check_not_banned(const Room& room, util::Time now) {
    if (room.moderates || !room.ban) return;
    if (!room.ban->expires_at) {
        throw Refusal(403, code::kBanned, "you are banned from this stream's chat");
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*room.ban->expires_at - now);
    throw Refusal(403, code::kBanned,
                  "you are timed out of this stream's chat until " +
                      util::format_iso8601(*room.ban->expires_at),
                  {}, retry_seconds(left));
}

Service::Impl::Impl(store::Database& db, util::Clock& clock, EventBus& bus, ServiceConfig c)
    : db(db),
      clock(clock),
      bus(bus),
      cfg(std::move(c)),
      profanity(filter_words(cfg)),
      chat_limiter(cfg.chat.per_second, cfg.chat.burst, cfg.max_tracked_senders),
      reaction_limiter(cfg.reactions.per_second, cfg.reactions.burst, cfg.max_tracked_senders),
      slow_mode_gate(std::chrono::seconds(cfg.max_slow_mode_seconds), cfg.max_tracked_senders),
      chat_writer(db,
                  [this](const store::ChatMessage& m) {
                      // On the writer thread, in the order the messages were stored.
                      // With the media time send_chat answered (m.media_ms), not stamped
                      // again: the event says what the answer said.
                      publish_as_is(m.stream_id, "chat.message", message_to_json(m));
                      if (m.is_question) {
                          store::Question q;
                          q.message = m;
                          auto j = question_to_json(q);
                          j.erase("hasVoted");  // per reader; events go to everyone
                          publish_as_is(m.stream_id, "qa.question", std::move(j));
                      }
                  }),
      reactions(db, cfg.reaction_batch, cfg.max_pending_reactions),
      viewers(db, cfg.reaction_batch) {}

net::awaitable<Room> Service::Impl::load(const std::optional<auth::Principal>& who,
                                         const std::string& stream_id,
                                         RoomNeeds needs) {
    if (!util::is_uuid(stream_id)) throw not_found("no stream " + stream_id);
    Room room;
    bool found = false;
    bool granted = false;
    auto now = clock.now();
    co_await db.read([&](store::Store& st) {
        auto s = st.get_stream(stream_id);
        if (!s) return;
        found = true;
        room.stream = std::move(*s);
        if (needs.slow_mode) room.slow_mode_seconds = st.slow_mode(stream_id);
        if (!who) return;
        const auto& uid = who->user_id;
        if (room.stream.is_private && !auth::can_manage_stream(*who, room.stream)) {
            granted = st.has_stream_access(stream_id, uid);
        }
        using R = store::Store::Relation;
        room.channel_moderator = st.has_channel_relation(R::moderator, room.stream.channel_id, uid);
        if (needs.relations) {
            room.follower = st.has_channel_relation(R::follower, room.stream.channel_id, uid);
            room.subscriber = st.has_channel_relation(R::subscriber, room.stream.channel_id, uid);
        }
        if (needs.ban) room.ban = st.active_ban(stream_id, uid, now);
    });
    if (!found || !auth::can_view_stream(who, room.stream, granted)) {
        throw not_found("no stream " + stream_id);
    }
    room.moderates = who && (who->is_admin() || who->role == store::Role::moderator ||
                             who->user_id == room.stream.broadcaster_id || room.channel_moderator);
    co_return room;
}

net::awaitable<Room> Service::Impl::load_as_moderator(const auth::Principal& who,
                                                      const std::string& stream_id) {
    std::optional<auth::Principal> as = who;
    auto room = co_await load(as, stream_id, {});
    if (!room.moderates) {
        throw forbidden(
            "only the stream's broadcaster, its channel's moderators and admins may do this");
    }
    co_return room;
}

void Service::Impl::publish(const std::string& stream_id,
                            std::string type,
                            nlohmann::json data,
                            std::optional<std::string> user_id) {
    stamp(data, stream_id, clock.now());
    publish_as_is(stream_id, std::move(type), std::move(data), std::move(user_id));
}

void Service::Impl::publish_as_is(const std::string& stream_id,
                                  std::string type,
                                  nlohmann::json data,
                                  std::optional<std::string> user_id) {
    Event e;
    e.stream_id = stream_id;
    e.type = std::move(type);
    e.data = std::move(data);
    e.user_id = std::move(user_id);
    bus.publish(std::move(e));
}

void Service::Impl::stamp(nlohmann::json& data, const std::string& stream_id, util::Time at) const {
    if (!media_clock || !data.is_object() || data.contains("mediaMs")) return;
    if (auto ms = media_clock(stream_id, at)) data["mediaMs"] = *ms;
}

store::ModerationEntry Service::Impl::log_entry(const auth::Principal& who,
                                                const std::string& stream_id,
                                                std::string action,
                                                nlohmann::json details) const {
    store::ModerationEntry e;
    e.stream_id = stream_id;
    e.actor_id = who.user_id;
    e.actor_name = display_name(who);
    e.action = std::move(action);
    e.details = details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    e.created_at = clock.now();
    return e;
}

net::awaitable<void> Service::Impl::take_token(RateLimiter& limiter, std::string key) {
    auto now = clock.steady_now();
    // One node: no second coroutine on the hottest refusal path.
    RateLimiter::Decision d;
    if (limiter.shared()) {
        d = co_await limiter.take_async(std::move(key), now);
    } else {
        d = limiter.take(key, now);
    }
    if (!d.allowed) throw rate_limited(retry_seconds(d.retry_after));
}

net::awaitable<void> Service::Impl::check_can_view(std::optional<auth::Principal> who,
                                                   std::string stream_id) {
    co_await load(who, stream_id, {});
}

net::awaitable<void> Service::Impl::flush_loop() {
    net::steady_timer timer(co_await net::this_coro::executor);
    while (!stopping) {
        timer.expires_after(cfg.reaction_flush_interval);
        boost::system::error_code ec;
        co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
        if (stopping) break;
        co_await reactions.flush();
        co_await viewers.flush();
    }
}

// ---- Service ----

Service::Service(store::Database& db, util::Clock& clock, EventBus& bus, ServiceConfig cfg)
    : impl_(std::make_unique<Impl>(db, clock, bus, std::move(cfg))) {}

Service::~Service() = default;

void Service::record_viewers(ViewerSessions& sessions) {
    impl_->viewers.attach(&sessions);
}

void Service::start(net::any_io_executor ex) {
    impl_->executor = ex;
    net::co_spawn(ex, impl_->flush_loop(), net::detached);
}

net::awaitable<void> Service::flush() {
    co_await impl_->reactions.flush();
    co_await impl_->viewers.flush();
}

void Service::flush_sync() {
    impl_->stopping = true;
    impl_->reactions.flush_sync();
    impl_->viewers.flush_sync();
}

net::awaitable<nlohmann::json> Service::send_chat(auth::Principal who,
                                                  std::string stream_id,
                                                  std::string content,
                                                  bool as_question) {
    return guard(*impl_, impl_->send_chat(std::move(who), std::move(stream_id), std::move(content),
                                          as_question));
}

net::awaitable<nlohmann::json> Service::list_chat(std::optional<auth::Principal> who,
                                                  std::string stream_id,
                                                  int limit,
                                                  int offset,
                                                  bool include_deleted) {
    return guard(*impl_, impl_->list_chat(std::move(who), std::move(stream_id), limit, offset,
                                          include_deleted));
}

net::awaitable<std::vector<nlohmann::json>> Service::chat_since(std::optional<auth::Principal> who,
                                                                std::string stream_id,
                                                                std::string last_message_id,
                                                                int limit) {
    return guard(*impl_, impl_->chat_since(std::move(who), std::move(stream_id),
                                           std::move(last_message_id), limit));
}

net::awaitable<nlohmann::json> Service::react(auth::Principal who,
                                              std::string stream_id,
                                              std::string emoji,
                                              std::optional<double> x,
                                              std::optional<double> y) {
    return guard(*impl_,
                 impl_->react(std::move(who), std::move(stream_id), std::move(emoji), x, y));
}

net::awaitable<void> Service::delete_message(auth::Principal who,
                                             std::string stream_id,
                                             std::string message_id) {
    return guard(
        *impl_, impl_->delete_message(std::move(who), std::move(stream_id), std::move(message_id)));
}

net::awaitable<nlohmann::json> Service::pin(auth::Principal who,
                                            std::string stream_id,
                                            std::string message_id) {
    return guard(*impl_, impl_->pin(std::move(who), std::move(stream_id), std::move(message_id)));
}

net::awaitable<void> Service::unpin(auth::Principal who,
                                    std::string stream_id,
                                    std::string message_id) {
    return guard(*impl_, impl_->unpin(std::move(who), std::move(stream_id), std::move(message_id)));
}

net::awaitable<std::int64_t> Service::clear_chat(auth::Principal who, std::string stream_id) {
    return guard(*impl_, impl_->clear_chat(std::move(who), std::move(stream_id)));
}

net::awaitable<nlohmann::json> Service::ban(auth::Principal who,
                                            std::string stream_id,
                                            std::string user_id,
                                            std::optional<int> duration_seconds,
                                            std::optional<std::string> reason) {
    return guard(*impl_, impl_->ban(std::move(who), std::move(stream_id), std::move(user_id),
                                    duration_seconds, std::move(reason)));
}

net::awaitable<void> Service::unban(auth::Principal who,
                                    std::string stream_id,
                                    std::string user_id) {
    return guard(*impl_, impl_->unban(std::move(who), std::move(stream_id), std::move(user_id)));
}

net::awaitable<nlohmann::json> Service::list_bans(auth::Principal who, std::string stream_id) {
    return guard(*impl_, impl_->list_bans(std::move(who), std::move(stream_id)));
}

net::awaitable<void> Service::set_slow_mode(auth::Principal who,
                                            std::string stream_id,
                                            int seconds) {
    return guard(*impl_, impl_->set_slow_mode(std::move(who), std::move(stream_id), seconds));
}

net::awaitable<int> Service::slow_mode(std::optional<auth::Principal> who, std::string stream_id) {
    return guard(*impl_, impl_->slow_mode(std::move(who), std::move(stream_id)));
}

net::awaitable<nlohmann::json> Service::moderation_log(auth::Principal who,
                                                       std::string stream_id,
                                                       int limit,
                                                       int offset) {
    return guard(*impl_,
                 impl_->moderation_log(std::move(who), std::move(stream_id), limit, offset));
}

net::awaitable<nlohmann::json> Service::list_questions(std::optional<auth::Principal> who,
                                                       std::string stream_id,
                                                       std::optional<std::string> status,
                                                       int limit,
                                                       int offset) {
    return guard(*impl_, impl_->list_questions(std::move(who), std::move(stream_id),
                                               std::move(status), limit, offset));
}

net::awaitable<nlohmann::json> Service::vote_question(auth::Principal who,
                                                      std::string stream_id,
                                                      std::string question_id,
                                                      bool up) {
    return guard(*impl_, impl_->vote_question(std::move(who), std::move(stream_id),
                                              std::move(question_id), up));
}

net::awaitable<nlohmann::json> Service::set_question_status(auth::Principal who,
                                                            std::string stream_id,
                                                            std::string question_id,
                                                            std::string status) {
    return guard(*impl_, impl_->set_question_status(std::move(who), std::move(stream_id),
                                                    std::move(question_id), std::move(status)));
}

net::awaitable<void> Service::check_can_view(std::optional<auth::Principal> who,
                                             std::string stream_id) {
    return guard(*impl_, impl_->check_can_view(std::move(who), std::move(stream_id)));
}

void Service::stream_status_changed(const std::string& stream_id, store::StreamStatus status) {
    impl_->publish(stream_id, "stream.status", {{"status", store::to_string(status)}});
}

void Service::set_media_clock(MediaClock clock) {
    impl_->media_clock = std::move(clock);
}

void Service::share_limits(SharedLimits* shared) {
    impl_->shared_limits = shared;
    impl_->chat_limiter.share(shared, "chat");
    impl_->reaction_limiter.share(shared, "reactions");
}

void Service::notify(const std::string& stream_id,
                     std::optional<std::string> user_id,
                     std::string type,
                     nlohmann::json data) {
    impl_->publish(stream_id, std::move(type), std::move(data), std::move(user_id));
}

void Service::access_revoked(const std::string& stream_id, const std::string& user_id) {
    impl_->publish(stream_id, std::string(kAccessRevoked), {{"userId", user_id}}, user_id);
}

ServiceStats Service::stats() const {
    ServiceStats s;
    s.messages = impl_->messages;
    s.reactions = impl_->reactions_accepted;
    s.reactions_stored = impl_->reactions.stored();
    s.reactions_dropped = impl_->reactions.dropped();
    s.refusals = impl_->refusals;
    return s;
}

}  // namespace nchat::realtime
