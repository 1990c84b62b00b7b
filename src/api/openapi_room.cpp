// The OpenAPI description of the room's routes (docs/api.md, Chat … Channels; docs/chat.md).
#include "api/detail/openapi_builders.hpp"
#include "api/openapi.hpp"

namespace nchat::api {
namespace {

using nlohmann::json;
using namespace detail;

json object(json props, json required = nullptr) {
    json s = {{"type", "object"}, {"properties", std::move(props)}};
    if (required.is_null()) {
        required = json::array();
        for (auto& [k, v] : s["properties"].items())
            required.push_back(k);
    }
    s["required"] = std::move(required);
    return s;
}

json input(json props, json required) {
    auto s = object(std::move(props), std::move(required));
    s["additionalProperties"] = false;
    return s;
}

json query(const char* name, json schema) {
    return {{"name", name}, {"in", "query"}, {"schema", std::move(schema)}};
}

json int_range(int min, int max, int def) {
    return {{"type", "integer"}, {"minimum", min}, {"maximum", max}, {"default", def}};
}

json array_of(const char* name) {
    return {{"type", "array"}, {"items", ref(name)}};
}

}  // namespace

void add_room_paths(json& paths, json& schemas) {
    auto uuid = json{{"type", "string"}, {"format", "uuid"}};
    auto time = json{{"type", "string"}, {"format", "date-time"}};
    auto ntime = json{{"type", json::array({"string", "null"})}, {"format", "date-time"}};
    auto str = json{{"type", "string"}};
    auto nstr = json{{"type", json::array({"string", "null"})}};
    auto boolean = json{{"type", "boolean"}};
    auto position = json{{"type", "number"}, {"minimum", 0}, {"maximum", 100}};
    auto success = json{{"type", "object"}, {"properties", {{"success", {{"const", true}}}}}};

    schemas["StreamChatMessage"] = object({{"id", uuid},
                                           {"streamId", uuid},
                                           {"userId", uuid},
                                           {"userName", str},
                                           {"content", str},
                                           {"isPinned", boolean},
                                           {"isDeleted", boolean},
                                           {"isQuestion", boolean},
                                           {"createdAt", time}});
    schemas["StreamReaction"] = object({{"id", uuid},
                                        {"streamId", uuid},
                                        {"userId", {{"type", json::array({"string", "null"})}}},
                                        {"emoji", str},
                                        {"positionX", position},
                                        {"positionY", position},
                                        {"createdAt", time}});
    // Media time (docs/recording.md): where on the stream's recording it happened; in the
    // answers and events of a stream recorded by the node, and in every media-time query.
    auto media_ms = json{{"type", "integer"}, {"minimum", 0}};
    schemas["StreamChatMessage"]["properties"]["mediaMs"] = media_ms;
    schemas["StreamReaction"]["properties"]["mediaMs"] = media_ms;
    schemas["Question"] = object({{"id", uuid},
                                  {"streamId", uuid},
                                  {"userId", uuid},
                                  {"userName", str},
                                  {"content", str},
                                  {"status", {{"enum", {"open", "answered", "dismissed"}}}},
                                  {"votes", {{"type", "integer"}}},
                                  {"hasVoted", boolean},
                                  {"createdAt", time},
                                  {"answeredAt", ntime}});
    schemas["Ban"] = object({{"streamId", uuid},
                             {"userId", uuid},
                             {"bannedBy", uuid},
                             {"reason", nstr},
                             {"expiresAt", ntime},
                             {"createdAt", time}});
    schemas["ModerationLogEntry"] = object({{"id", {{"type", "integer"}}},
                                            {"streamId", uuid},
                                            {"actorId", uuid},
                                            {"actorName", str},
                                            {"action", str},
                                            {"targetUserId", nstr},
                                            {"targetMessageId", nstr},
                                            {"details", {{"type", "object"}}},
                                            {"createdAt", time}});
    auto message = ref("StreamChatMessage");
    auto question = ref("Question");
    auto slow = object({{"slowModeSeconds", {{"type", "integer"}}}});

    auto& chat = paths["/api/streams/{id}/chat"];
    chat["parameters"] = {id_param("id")};
    chat["get"] =
        op("Chat messages, newest last (or those after `after`, for resume; or, with fromMs/toMs, "
           "those of a stretch of the recording's media time, each with mediaMs, in media-time "
           "order: limit up to 500, toMs at most 2 hours after fromMs, 404 without a recording)",
           array_of("StreamChatMessage"), {400, 401, 403, 404}, false);
    auto from_ms = json{{"type", "integer"}, {"minimum", 0}};
    chat["get"]["parameters"] = {query("limit", int_range(1, 500, 100)),
                                 query("offset", int_range(0, 1'000'000, 0)),
                                 query("includeDeleted", boolean),
                                 query("after", uuid),
                                 query("fromMs", from_ms),
                                 query("toMs", from_ms)};
    chat["post"] =
        op("Send a chat message (or a question)", message,
           {400, 401, 403, 404, 409, 413, 415, 429, 503}, true,
           input({{"content", {{"type", "string"}, {"maxLength", 500}}}, {"isQuestion", boolean}},
                 {"content"}),
           201);
    auto& clear = paths["/api/streams/{id}/chat/clear"];
    clear["parameters"] = {id_param("id")};
    clear["post"] = op("Delete every message of the stream (moderators)",
                       object({{"success", {{"const", true}}}, {"count", {{"type", "integer"}}}}),
                       {401, 403, 404}, true);
    auto& one = paths["/api/streams/{id}/chat/{messageId}"];
    one["parameters"] = {id_param("id"), id_param("messageId")};
    one["delete"] = op("Delete a message (moderators)", success, {401, 403, 404}, true);
    auto& pin = paths["/api/streams/{id}/chat/{messageId}/pin"];
    pin["parameters"] = {id_param("id"), id_param("messageId")};
    pin["post"] = op("Pin a message; the previous pin is dropped (moderators)", message,
                     {401, 403, 404, 409}, true);
    pin["delete"] = op("Unpin a message (moderators)", success, {401, 403, 404}, true);

    auto& reactions = paths["/api/streams/{id}/reactions"];
    reactions["parameters"] = {id_param("id")};
    reactions["get"] =
        op("The newest stored reactions, newest last (or, with fromMs/toMs, those of a stretch of "
           "the recording's media time, as for the chat)",
           array_of("StreamReaction"), {400, 401, 404}, false);
    reactions["get"]["parameters"] = {query("limit", int_range(1, 500, 20)),
                                      query("fromMs", from_ms), query("toMs", from_ms)};
    reactions["post"] = op(
        "Send a reaction (one emoji)", ref("StreamReaction"),
        {400, 401, 403, 404, 409, 413, 415, 429, 503}, true,
        input({{"emoji", str}, {"positionX", position}, {"positionY", position}}, {"emoji"}), 201);

    auto& questions = paths["/api/streams/{id}/questions"];
    questions["parameters"] = {id_param("id")};
    questions["get"] =
        op("Questions by votes, then oldest", array_of("Question"), {400, 401, 404}, false);
    questions["get"]["parameters"] = {
        query("status", {{"enum", {"open", "answered", "dismissed"}}}),
        query("limit", int_range(1, 100, 100)), query("offset", int_range(0, 1'000'000, 0))};
    auto& q = paths["/api/streams/{id}/questions/{questionId}"];
    q["parameters"] = {id_param("id"), id_param("questionId")};
    q["patch"] =
        op("Answer, dismiss or reopen a question (moderators)", question, {400, 401, 403, 404, 415},
           true, input({{"status", {{"enum", {"open", "answered", "dismissed"}}}}}, {"status"}));
    auto& vote = paths["/api/streams/{id}/questions/{questionId}/vote"];
    vote["parameters"] = {id_param("id"), id_param("questionId")};
    vote["post"] = op("Vote for a question (once; again changes nothing)", question,
                      {401, 403, 404, 409, 429}, true);
    vote["delete"] = op("Take a vote back", question, {401, 403, 404, 409, 429}, true);

    auto& bans = paths["/api/streams/{id}/bans"];
    bans["parameters"] = {id_param("id")};
    bans["get"] =
        op("Bans and timeouts in force (moderators)", array_of("Ban"), {401, 403, 404}, true);
    bans["post"] = op(
        "Ban a user, or time them out with durationSeconds (moderators)", ref("Ban"),
        {400, 401, 403, 404, 415}, true,
        input({{"userId", uuid},
               {"durationSeconds", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1'209'600}}},
               {"reason", {{"type", json::array({"string", "null"})}, {"maxLength", 200}}}},
              {"userId"}),
        201);
    auto& unban = paths["/api/streams/{id}/bans/{userId}"];
    unban["parameters"] = {id_param("id"), id_param("userId")};
    unban["delete"] = op("Lift a ban or timeout (moderators)", success, {400, 401, 403, 404}, true);

    auto& slow_mode = paths["/api/streams/{id}/slow-mode"];
    slow_mode["parameters"] = {id_param("id")};
    slow_mode["get"] = op("Slow mode (0 = off)", slow, {401, 404}, false);
    slow_mode["put"] = op("Set slow mode (moderators)", slow, {400, 401, 403, 404, 415}, true,
                          input({{"seconds", int_range(0, 3600, 0)}}, {"seconds"}));
    auto& log = paths["/api/streams/{id}/moderation-log"];
    log["parameters"] = {id_param("id")};
    log["get"] = op("The moderation log, newest first (moderators)", array_of("ModerationLogEntry"),
                    {400, 401, 403, 404}, true);
    log["get"]["parameters"] = {query("limit", int_range(1, 100, 50)),
                                query("offset", int_range(0, 1'000'000, 0))};

    auto member = object({{"userId", uuid}, {"createdAt", time}});
    for (const char* rel : {"followers", "subscribers", "moderators"}) {
        auto base = std::string("/api/channels/{channelId}/") + rel;
        auto& list = paths[base];
        list["parameters"] = {id_param("channelId")};
        list["get"] = op("A channel's members, oldest first (admins)",
                         json{{"type", "array"}, {"items", member}}, {400, 401, 403}, true);
        auto& m = paths[base + "/{userId}"];
        m["parameters"] = {id_param("channelId"), id_param("userId")};
        m["put"] = op("Add a member (admins; a user may follow for themself)", success,
                      {400, 401, 403}, true);
        m["delete"] = op("Remove a member (admins; a user may unfollow for themself)", success,
                         {400, 401, 403}, true);
    }
}

}  // namespace nchat::api
