// Q&A of a stream (docs/api.md, Q&A): questions are chat messages sent with isQuestion; here
// they are listed, voted on and answered. The rules are realtime::Service's.
#include <boost/asio/awaitable.hpp>

#include "api/authenticate.hpp"
#include "api/handler.hpp"
#include "api/room_input.hpp"
#include "api/room_routes.hpp"
#include "api/routes.hpp"
#include "api/validation.hpp"

namespace nchat::api {
namespace {

namespace net = boost::asio;
using http::Request;
using http::Response;
using Verb = http::bhttp::verb;

constexpr std::string_view kStatuses[] = {"open", "answered", "dismissed"};

net::awaitable<Response> list_questions(ApiContext& ctx, Request& req) {
    auto who = co_await authenticate(ctx, req);
    std::string id(req.param("id"));
    auto status = req.query_param("status");
    auto limit = query_int(req, "limit", 100, 1, 100);
    auto offset = query_int(req, "offset", 0, 0, 1'000'000);
    auto out = co_await room_service(ctx).list_questions(who, id, status, limit, offset);
    co_return json(req, Status::ok, out);
}

net::awaitable<Response> vote(ApiContext& ctx, Request& req, bool up) {
    auto who = co_await require_principal(ctx, req);
    std::string id(req.param("id"));
    std::string question(req.param("questionId"));
    auto out = co_await room_service(ctx).vote_question(who, id, question, up);
    co_return json(req, Status::ok, out);
}

net::awaitable<Response> upvote(ApiContext& ctx, Request& req) {
    return vote(ctx, req, true);
}
net::awaitable<Response> unvote(ApiContext& ctx, Request& req) {
    return vote(ctx, req, false);
}

net::awaitable<Response> patch_question(ApiContext& ctx, Request& req) {
    auto who = co_await require_principal(ctx, req);
    require_json_content(req);
    auto body = parse_object(req.raw.body());
    Fields f(body);
    f.only({"status"});
    auto status = f.one_of("status", kStatuses);
    std::string id(req.param("id"));
    std::string question(req.param("questionId"));
    auto out = co_await room_service(ctx).set_question_status(who, id, question, status);
    co_return json(req, Status::ok, out);
}

}  // namespace

void add_question_routes(http::Router& r, ApiContext& ctx) {
    r.add(Verb::get, "/api/streams/{id}/questions", handler(ctx, list_questions));
    r.add(Verb::patch, "/api/streams/{id}/questions/{questionId}", handler(ctx, patch_question));
    r.add(Verb::post, "/api/streams/{id}/questions/{questionId}/vote", handler(ctx, upvote));
    r.add(Verb::delete_, "/api/streams/{id}/questions/{questionId}/vote", handler(ctx, unvote));
}

}  // namespace nchat::api
