// realtime::Service: reactions (docs/chat.md, Reactions).
#include <cmath>
#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "realtime/detail/service_impl.hpp"
#include "realtime/emoji.hpp"
#include "realtime/message_json.hpp"
#include "util/ids.hpp"

namespace nchat::realtime {
namespace {

double position(const std::optional<double>& v, const char* field) {
    if (!v) return 0;
    if (!std::isfinite(*v) || *v < 0 || *v > 100) {
        throw invalid(field, std::string(field) + " must be a number from 0 to 100");
    }
    return std::round(*v * 100) / 100;  // what the store keeps
}

double random_x() {
    thread_local std::mt19937 gen{std::random_device{}()};
    std::uniform_int_distribution<int> d(0, 10'000);
    return d(gen) / 100.0;
}

}  // namespace

net::awaitable<nlohmann::json> Service::Impl::react(auth::Principal who,
                                                    std::string stream_id,
                                                    std::string emoji,
                                                    std::optional<double> x,
                                                    std::optional<double> y) {
    if (!cfg.reactions_enabled) {
        throw Refusal(403, code::kReactionsDisabled, "reactions are turned off on this server");
    }
    auto key = stream_id + '/' + who.user_id;
    co_await take_token(reaction_limiter, key);
    if (!is_single_emoji(emoji)) throw invalid("emoji", "emoji must be exactly one emoji");
    double px = x ? position(x, "positionX") : random_x();
    double py = position(y, "positionY");
    std::optional<auth::Principal> as = who;
    auto room = co_await load(as, stream_id, {.ban = true});
    check_open(room.stream);
    if (!room.stream.enable_reactions) {
        throw Refusal(403, code::kReactionsDisabled, "reactions are turned off for this stream");
    }
    auto now = clock.now();
    check_not_banned(room, now);

    store::Reaction r{util::new_uuid(), stream_id, who.user_id, std::move(emoji), px, py, now};
    auto out = reaction_to_json(r);
    stamp(out, stream_id, now);
    publish(stream_id, "reaction", out);
    ++reactions_accepted;
    bool due = false;
    reactions.add(std::move(r), &due);
    if (due && executor) net::co_spawn(*executor, reactions.flush(), net::detached);
    co_return out;
}

}  // namespace nchat::realtime
