// realtime::Service: Q&A (docs/chat.md, Q&A). Questions are chat messages sent as questions
// (send_chat); here they are listed, voted on and answered.
#include "realtime/detail/service_impl.hpp"
#include "realtime/message_json.hpp"
#include "util/ids.hpp"

namespace nchat::realtime {
namespace {

constexpr int kMaxQuestionPage = 100;

std::optional<store::QuestionStatus> parse_status(const std::string& s) {
    auto st = store::parse_question_status(s);
    if (!st) throw invalid("status", "status must be one of 'open', 'answered', 'dismissed'");
    return st;
}

nlohmann::json event_json(const store::Question& q) {
    auto j = question_to_json(q);
    j.erase("hasVoted");  // per reader; events go to everyone
    return j;
}

}  // namespace

net::awaitable<nlohmann::json> Service::Impl::list_questions(std::optional<auth::Principal> who,
                                                             std::string stream_id,
                                                             std::optional<std::string> status,
                                                             int limit,
                                                             int offset) {
    check_page(limit, kMaxQuestionPage, offset);
    std::optional<store::QuestionStatus> filter;
    if (status) filter = parse_status(*status);
    co_await load(who, stream_id, {});
    std::string voter = who ? who->user_id : std::string();
    auto rows = co_await db.read([&](store::Store& st) {
        return st.list_questions(stream_id, filter, voter, limit, offset);
    });
    auto out = nlohmann::json::array();
    for (const auto& q : rows)
        out.push_back(question_to_json(q));
    co_return out;
}

net::awaitable<nlohmann::json> Service::Impl::vote_question(auth::Principal who,
                                                            std::string stream_id,
                                                            std::string question_id,
                                                            bool up) {
    // Votes share the reactions' budget: toggling a vote is as cheap to send as a reaction.
    auto key = "vote/" + stream_id + '/' + who.user_id;
    co_await take_token(reaction_limiter, key);
    std::optional<auth::Principal> as = who;
    auto room = co_await load(as, stream_id, {.ban = true});
    check_open(room.stream);
    if (!room.stream.enable_qa) {
        throw Refusal(403, code::kQaDisabled, "Q&A is not enabled for this stream");
    }
    check_not_banned(room, clock.now());
    if (!util::is_uuid(question_id)) throw not_found("no question " + question_id);
    auto now = clock.now();
    bool changed = false;
    store::Question q;
    co_await db.write([&](store::Store& st) {
        auto before = st.get_question(stream_id, question_id, who.user_id);
        if (!before || before->message.is_deleted) throw not_found("no question " + question_id);
        if (before->status != store::QuestionStatus::open) {
            throw wrong_state("only open questions take votes");
        }
        changed = up ? st.add_question_vote(question_id, who.user_id, now)
                     : st.remove_question_vote(question_id, who.user_id);
        q = changed ? *st.get_question(stream_id, question_id, who.user_id) : std::move(*before);
    });
    if (changed) publish(stream_id, "qa.updated", event_json(q));
    co_return question_to_json(q);
}

net::awaitable<nlohmann::json> Service::Impl::set_question_status(auth::Principal who,
                                                                  std::string stream_id,
                                                                  std::string question_id,
                                                                  std::string status) {
    auto to = *parse_status(status);
    co_await load_as_moderator(who, stream_id);
    if (!util::is_uuid(question_id)) throw not_found("no question " + question_id);
    auto entry = log_entry(who, stream_id, "question_" + status);
    entry.target_message_id = question_id;
    store::Question q;
    co_await db.write([&](store::Store& st) {
        st.transaction([&] {
            auto before = st.get_question(stream_id, question_id, who.user_id);
            if (!before || before->message.is_deleted) {
                throw not_found("no question " + question_id);
            }
            st.set_question_status(stream_id, question_id, to, entry.created_at);
            entry.target_user_id = before->message.user_id;
            st.add_moderation_entry(entry);
            q = *st.get_question(stream_id, question_id, who.user_id);
        });
    });
    publish(stream_id, "qa.updated", event_json(q));
    co_return question_to_json(q);
}

}  // namespace nchat::realtime
