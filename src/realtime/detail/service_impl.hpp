#pragma once
// The inside of realtime::Service: its parts and the rules every action shares (who may see and
// moderate a room). The actions live in service_chat.cpp, service_reactions.cpp,
// service_moderation.cpp and service_qa.cpp.
#include <atomic>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "realtime/detail/chat_writer.hpp"
#include "realtime/detail/reaction_batcher.hpp"
#include "realtime/detail/viewer_writer.hpp"
#include "realtime/profanity.hpp"
#include "realtime/rate_limiter.hpp"
#include "realtime/service.hpp"
#include "realtime/slow_mode_gate.hpp"
#include "store/database.hpp"
#include "util/clock.hpp"

namespace nchat::realtime {

// A stream's room as seen by one user, read in one storage call.
struct Room {
    store::Stream stream;
    bool moderates = false;  // broadcaster, admin, global moderator or channel moderator
    bool channel_moderator = false;
    bool follower = false;
    bool subscriber = false;
    std::optional<store::Ban> ban;  // in force now (moderators are never checked)
    int slow_mode_seconds = 0;
};

// What load() reads beyond the stream and its moderators.
struct RoomNeeds {
    bool relations = false;  // follower, subscriber
    bool ban = false;
    bool slow_mode = false;
};

struct Service::Impl {
    Impl(store::Database& db, util::Clock& clock, EventBus& bus, ServiceConfig cfg);

    // The stream `stream_id` if `who` may see it (not_found otherwise, private ones included).
    net::awaitable<Room> load(const std::optional<auth::Principal>& who,
                              const std::string& stream_id,
                              RoomNeeds needs);
    // load(), then forbidden unless `who` moderates the room.
    net::awaitable<Room> load_as_moderator(const auth::Principal& who,
                                           const std::string& stream_id);

    // Publishes an event of the room; its data (an object) gets `mediaMs` of now unless it has
    // one (stamp()).
    void publish(const std::string& stream_id,
                 std::string type,
                 nlohmann::json data,
                 std::optional<std::string> user_id = std::nullopt);
    // Publishes it as it is (no mediaMs added).
    void publish_as_is(const std::string& stream_id,
                       std::string type,
                       nlohmann::json data,
                       std::optional<std::string> user_id = std::nullopt);
    // Adds `mediaMs` (the media time of `at`) to an object when the media clock knows it.
    void stamp(nlohmann::json& data, const std::string& stream_id, util::Time at) const;
    // A moderation-log row of `who` acting on the room; written by the caller's transaction.
    store::ModerationEntry log_entry(const auth::Principal& who,
                                     const std::string& stream_id,
                                     std::string action,
                                     nlohmann::json details = nlohmann::json::object()) const;
    // The rate limiter's answer as a Refusal when it says no.
    net::awaitable<void> take_token(RateLimiter& limiter, std::string key);

    // Actions (the public methods of Service, without the storage-overload mapping).
    net::awaitable<nlohmann::json> send_chat(auth::Principal who,
                                             std::string stream_id,
                                             std::string content,
                                             bool as_question);
    net::awaitable<nlohmann::json> list_chat(std::optional<auth::Principal> who,
                                             std::string stream_id,
                                             int limit,
                                             int offset,
                                             bool include_deleted);
    net::awaitable<std::vector<nlohmann::json>> chat_since(std::optional<auth::Principal> who,
                                                           std::string stream_id,
                                                           std::string last_message_id,
                                                           int limit);
    net::awaitable<nlohmann::json> react(auth::Principal who,
                                         std::string stream_id,
                                         std::string emoji,
                                         std::optional<double> x,
                                         std::optional<double> y);
    net::awaitable<void> delete_message(auth::Principal who,
                                        std::string stream_id,
                                        std::string message_id);
    net::awaitable<nlohmann::json> pin(auth::Principal who,
                                       std::string stream_id,
                                       std::string message_id);
    net::awaitable<void> unpin(auth::Principal who, std::string stream_id, std::string message_id);
    net::awaitable<std::int64_t> clear_chat(auth::Principal who, std::string stream_id);
    net::awaitable<nlohmann::json> ban(auth::Principal who,
                                       std::string stream_id,
                                       std::string user_id,
                                       std::optional<int> duration_seconds,
                                       std::optional<std::string> reason);
    net::awaitable<void> unban(auth::Principal who, std::string stream_id, std::string user_id);
    net::awaitable<nlohmann::json> list_bans(auth::Principal who, std::string stream_id);
    net::awaitable<void> set_slow_mode(auth::Principal who, std::string stream_id, int seconds);
    net::awaitable<int> slow_mode(std::optional<auth::Principal> who, std::string stream_id);
    net::awaitable<nlohmann::json> moderation_log(auth::Principal who,
                                                  std::string stream_id,
                                                  int limit,
                                                  int offset);
    net::awaitable<nlohmann::json> list_questions(std::optional<auth::Principal> who,
                                                  std::string stream_id,
                                                  std::optional<std::string> status,
                                                  int limit,
                                                  int offset);
    net::awaitable<nlohmann::json> vote_question(auth::Principal who,
                                                 std::string stream_id,
                                                 std::string question_id,
                                                 bool up);
    net::awaitable<nlohmann::json> set_question_status(auth::Principal who,
                                                       std::string stream_id,
                                                       std::string question_id,
                                                       std::string status);
    net::awaitable<void> check_can_view(std::optional<auth::Principal> who, std::string stream_id);
    net::awaitable<void> flush_loop();  // reactions and viewer sessions

    store::Database& db;
    util::Clock& clock;
    EventBus& bus;
    const ServiceConfig cfg;
    const ProfanityFilter profanity;
    RateLimiter chat_limiter;
    RateLimiter reaction_limiter;
    SlowModeGate slow_mode_gate;
    SharedLimits* shared_limits = nullptr;  // several nodes: slow mode counted in Redis too
    MediaClock media_clock;                 // set before start(); empty: no mediaMs
    detail::ChatWriter chat_writer;
    detail::ReactionBatcher reactions;
    detail::ViewerWriter viewers;
    std::optional<net::any_io_executor> executor;  // set by start()
    std::atomic<bool> stopping{false};
    std::atomic<std::uint64_t> messages{0};
    std::atomic<std::uint64_t> reactions_accepted{0};
    std::atomic<std::uint64_t> refusals{0};
};

// Shared checks of the actions.
std::string display_name(const auth::Principal& who);
void check_page(int limit, int max_limit, int offset);  // invalid("limit"/"offset")
void check_open(const store::Stream& s);                // stream_ended after the end
void check_not_banned(const Room& room, util::Time now);

}  // namespace nchat::realtime
