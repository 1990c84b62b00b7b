#include "api/openapi.hpp"

#include "api/detail/openapi_builders.hpp"

namespace nchat::api {
namespace {

using nlohmann::json;
using namespace detail;

json stream_schema() {
    auto str = json{{"type", "string"}};
    auto nstr = json{{"type", json::array({"string", "null"})}};
    auto ntime = json{{"type", json::array({"string", "null"})}, {"format", "date-time"}};
    auto integer = json{{"type", "integer"}};
    auto boolean = json{{"type", "boolean"}};
    json props = {
        {"id", {{"type", "string"}, {"format", "uuid"}}},
        {"channelId", {{"type", "string"}, {"format", "uuid"}}},
        {"broadcasterId", {{"type", "string"}, {"format", "uuid"}}},
        {"title", {{"type", "string"}, {"maxLength", 200}}},
        {"description", nstr},
        {"thumbnailUrl", nstr},
        {"scheduledAt", ntime},
        {"startedAt", ntime},
        {"endedAt", ntime},
        {"status", {{"enum", {"scheduled", "preparing", "live", "ended", "cancelled"}}}},
        {"streamKey",
         {{"type", "string"},
          {"description",
           "Only in the answers of create and POST /api/streams/{id}/key: the server keeps its "
           "hash and cannot show it again"}}},
        {"ingestUrl", str},
        {"hlsManifestUrl", nstr},
        {"maxResolution", {{"enum", {"1080p", "720p", "480p", "360p"}}}},
        {"topRung",
         {{"enum", {"auto", "passthrough", "transcode", nullptr}},
          {"description", "The top rendition; null: the server's --transcode-top-rung"}}},
        {"peakViewerCount", integer},
        {"totalViewCount", integer},
        {"totalChatMessages", integer},
        {"totalReactions", integer},
        {"enableChat", boolean},
        {"enableReactions", boolean},
        {"enableQa", boolean},
        {"chatMode", {{"enum", {"open", "followers", "subscribers", "disabled"}}}},
        {"tags", {{"type", "array"}, {"items", str}}},
        {"isPrivate", boolean},
        {"hideViewerList",
         {{"type", "boolean"},
          {"description",
           "GET /api/streams/{id}/viewers only for the broadcaster, moderators and admins"}}},
        {"createdAt", {{"type", "string"}, {"format", "date-time"}}},
        {"updatedAt", {{"type", "string"}, {"format", "date-time"}}},
    };
    json required = json::array();
    for (auto& [k, v] : props.items()) {
        if (k != "streamKey") required.push_back(k);
    }
    return {{"type", "object"}, {"properties", props}, {"required", required}};
}

json input_schema(bool create) {
    json props = {
        {"title", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
        {"description", {{"type", json::array({"string", "null"})}, {"maxLength", 5000}}},
        {"thumbnailUrl", {{"type", json::array({"string", "null"})}, {"format", "uri"}}},
        {"scheduledAt", {{"type", json::array({"string", "null"})}, {"format", "date-time"}}},
        {"maxResolution", {{"enum", {"1080p", "720p", "480p", "360p"}}}},
        {"topRung", {{"enum", {"auto", "passthrough", "transcode", nullptr}}}},
        {"enableChat", {{"type", "boolean"}}},
        {"enableReactions", {{"type", "boolean"}}},
        {"enableQa", {{"type", "boolean"}}},
        {"chatMode", {{"enum", {"open", "followers", "subscribers", "disabled"}}}},
        {"tags",
         {{"type", "array"},
          {"maxItems", 20},
          {"items", {{"type", "string"}, {"minLength", 1}, {"maxLength", 50}}}}},
        {"isPrivate", {{"type", "boolean"}}},
        {"hideViewerList", {{"type", "boolean"}}},
    };
    json s = {{"type", "object"}, {"additionalProperties", false}, {"properties", props}};
    if (create) {
        s["properties"]["channelId"] = {{"type", "string"}, {"format", "uuid"}};
        s["required"] = {"channelId", "title"};
    }
    return s;
}

json guest_input_schema() {
    return {{"type", "object"},
            {"additionalProperties", false},
            {"required", {"displayName"}},
            {"properties",
             {{"displayName", {{"type", "string"}, {"minLength", 1}, {"maxLength", 32}}}}}};
}

json recording_schema() {
    auto text = json{{"type", "string"}};
    return {
        {"type", "object"},
        {"required",
         {"streamId", "state", "durationMs", "sizeBytes", "renditions", "playlistUrl", "mp4Url"}},
        {"properties",
         {{"streamId", {{"type", "string"}, {"format", "uuid"}}},
          {"state", {{"enum", {"recording", "complete", "failed", "interrupted"}}}},
          {"durationMs", {{"type", "integer"}}},
          {"sizeBytes", {{"type", "integer"}}},
          {"renditions", {{"type", "array"}, {"items", text}}},
          {"playlistUrl", text},
          {"mp4Url", {{"type", {"string", "null"}}}},
          {"startedAt", {{"type", "string"}, {"format", "date-time"}}},
          {"endedAt", {{"type", "string"}, {"format", "date-time"}}},
          {"error", text}}}};
}

json clip_schema() {
    auto text = json{{"type", "string"}};
    auto ms = json{{"type", "integer"}, {"minimum", 0}};
    return {{"type", "object"},
            {"required", {"id", "streamId", "title", "fromMs", "toMs", "playlistUrl"}},
            {"properties",
             {{"id", {{"type", "string"}, {"format", "uuid"}}},
              {"streamId", {{"type", "string"}, {"format", "uuid"}}},
              {"title", text},
              {"fromMs", ms},
              {"toMs", ms},
              {"createdAt", {{"type", "string"}, {"format", "date-time"}}},
              {"createdBy", text},
              {"firstMsn", ms},
              {"lastMsn", ms},
              {"playlistUrl", text},
              // In the answer to its making: the messages of its seconds.
              {"chat", {{"type", "array"}, {"items", ref("StreamChatMessage")}}}}}};
}

json clip_input_schema() {
    auto ms = json{{"type", "integer"}, {"minimum", 0}};
    return {{"type", "object"},
            {"required", {"fromMs", "toMs", "title"}},
            {"additionalProperties", false},
            {"properties",
             {{"fromMs", ms},
              {"toMs", ms},
              {"title", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}}}}};
}

json me_schema() {
    return {{"type", "object"},
            {"required", {"id", "name", "role", "guest"}},
            {"properties",
             {{"id", {{"type", "string"}, {"format", "uuid"}}},
              {"name", {{"type", {"string", "null"}}}},
              {"role", {{"enum", {"admin", "broadcaster", "moderator", "viewer"}}}},
              {"guest", {{"type", "boolean"}}}}}};
}

json guest_schema() {
    json user = {{"type", "object"},
                 {"required", {"id", "name", "role", "guest"}},
                 {"properties",
                  {{"id", {{"type", "string"}, {"format", "uuid"}}},
                   {"name", {{"type", "string"}}},
                   {"role", {{"const", "viewer"}}},
                   {"guest", {{"const", true}}}}}};
    return {{"type", "object"},
            {"required", {"token", "user", "expiresAt"}},
            {"properties",
             {{"token",
               {{"type", "string"},
                {"description", "ncg_…: Authorization: Bearer for REST and the WebSocket"}}},
              {"user", user},
              {"expiresAt", {{"type", "string"}, {"format", "date-time"}}}}}};
}

}  // namespace

json openapi_document(const std::string& version, const std::string& server_url) {
    auto stream = ref("Stream");
    auto streams = json{{"type", "array"}, {"items", stream}};
    auto success = json{{"type", "object"}, {"properties", {{"success", {{"const", true}}}}}};
    json paths;
    paths["/api/streams/create"]["post"] =
        op("Create a stream (the answer has its streamKey)", stream, {400, 401, 403, 409, 413, 415},
           true, ref("CreateStream"), 201);
    paths["/api/streams"]["post"] =
        op("Create a stream (alias of /api/streams/create)", stream, {400, 401, 403, 409, 413, 415},
           true, ref("CreateStream"), 201);
    for (const char* create : {"/api/streams/create", "/api/streams"}) {
        paths[create]["post"]["responses"]["409"]["description"] =
            "stream_quota_exceeded: the broadcaster has --max-open-streams streams not yet ended";
    }
    paths["/api/streams"]["get"] =
        op("List streams (newest first; private ones only for those who may see them)", streams,
           {400, 401}, false);
    paths["/api/streams"]["get"]["parameters"] = {
        {{"name", "status"},
         {"in", "query"},
         {"schema", {{"enum", {"scheduled", "preparing", "live", "ended", "cancelled"}}}}},
        {{"name", "limit"},
         {"in", "query"},
         {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}, {"default", 20}}}},
        {{"name", "offset"},
         {"in", "query"},
         {"schema", {{"type", "integer"}, {"minimum", 0}, {"default", 0}}}}};
    paths["/api/streams/live"]["get"] =
        op("Live public streams with currentViewers (view nchat_live_streams)",
           {{"type", "array"}, {"items", ref("LiveStream")}}, {400, 401}, false);
    paths["/api/streams/top"]["get"] =
        op("Top 100 public streams by peak viewers (view nchat_top_streams)", streams, {400, 401},
           false);
    auto& one = paths["/api/streams/{id}"];
    one["parameters"] = {id_param("id")};
    one["get"] = op("Get a stream", stream, {401, 404}, false);
    one["patch"] = op("Update a stream's mutable fields", stream,
                      {400, 401, 403, 404, 409, 413, 415}, true, ref("PatchStream"));
    one["delete"] = op("Delete a stream (not while live)", success, {401, 403, 404, 409}, true);
    for (auto [path, summary] :
         {std::pair{"/api/streams/{id}/start", "Go live"},
          std::pair{"/api/streams/{id}/end", "End (or cancel, if it never went live)"},
          std::pair{"/api/streams/{id}/key",
                    "Regenerate the stream key (the answer has the new streamKey, shown once)"}}) {
        paths[path]["parameters"] = {id_param("id")};
        paths[path]["post"] = op(summary, stream, {401, 403, 404, 409}, true);
    }
    paths["/api/streams/{id}/health"]["parameters"] = {id_param("id")};
    paths["/api/streams/{id}/health"]["get"] =
        op("The stream's media on this node: publishing, renditions, transcoder health",
           {{"type", "object"},
            {"required", {"streamId", "status", "publishing", "renditions", "transcode"}}},
           {401, 403, 404}, true);
    auto& recording = paths["/api/streams/{id}/recording"];
    recording["parameters"] = {id_param("id")};
    recording["get"] =
        op("What was recorded of the stream; its replay is playlistUrl once state is complete",
           ref("Recording"), {401, 404}, false);
    recording["delete"] =
        op("Delete the recording and its files (takedown); 409 while it is being recorded", success,
           {401, 403, 404, 409}, true);
    auto& mp4 = paths["/api/streams/{id}/recording.mp4"];
    mp4["parameters"] = {id_param("id")};
    mp4["get"] = {{"summary",
                   "The recording's best rendition as one MP4 (remuxed, not re-encoded); Range "
                   "requests answered 206; ?download=1 sets Content-Disposition"},
                  {"responses",
                   {{"200", {{"description", "video/mp4"}}},
                    {"206", {{"description", "the requested range"}}},
                    {"404", {{"description", "no MP4 (not recorded, or not ready yet)"}}},
                    {"416", {{"description", "the range is past the end"}}}}}};
    auto& clips = paths["/api/streams/{id}/clips"];
    clips["parameters"] = {id_param("id")};
    clips["post"] =
        op("Make a clip of the recording (at most 2 minutes, during or after the stream), cut on "
           "segment boundaries: fromMs/toMs say where",
           ref("Clip"), {400, 401, 404, 413, 415}, true, ref("CreateClip"), 201);
    clips["get"] = op("The stream's clips, newest first",
                      {{"type", "array"}, {"items", ref("Clip")}}, {401, 404}, false);
    auto& thumb = paths["/api/streams/{id}/thumbnail.jpg"];
    thumb["parameters"] = {id_param("id")};
    thumb["get"] = {{"summary", "The stream's latest thumbnail (every 10 s while live)"},
                    {"responses",
                     {{"200", {{"description", "image/jpeg"}}},
                      {"404", {{"description", "none yet, or recording is off"}}}}}};
    auto& access = paths["/api/streams/{id}/access/{userId}"];
    access["parameters"] = {id_param("id"), id_param("userId")};
    access["put"] = op("Let a user see a private stream", success, {400, 401, 403, 404}, true);
    access["delete"] =
        op("Revoke a user's access to a private stream", success, {400, 401, 403, 404}, true);
    paths["/api/me"]["get"] = op("Who the bearer token belongs to (name null when a JWT has none)",
                                 ref("Me"), {401}, true);
    // Data protection (issue 17; docs/api.md, "Your data").
    auto count = json{{"type", "integer"}};
    paths["/api/users/me"]["delete"] =
        op("Delete what the server keeps about you: chat messages, reactions, viewer sessions, "
           "votes, channel relations, access grants, API tokens, the account",
           {{"type", "object"},
            {"required", {"success", "deleted"}},
            {"properties",
             {{"success", {{"const", true}}},
              {"deleted",
               {{"type", "object"},
                {"required",
                 {"chatMessages", "reactions", "viewerSessions", "questionVotes", "apiTokens"}},
                {"properties",
                 {{"chatMessages", count},
                  {"reactions", count},
                  {"viewerSessions", count},
                  {"questionVotes", count},
                  {"apiTokens", count}}}}}}}},
           {401, 503}, true);
    paths["/api/tokens"]["get"] = op("Your API tokens (their ids, never the tokens), oldest first",
                                     {{"type", "array"}, {"items", ref("ApiToken")}}, {401}, true);
    paths["/api/tokens/{id}"]["parameters"] = {
        {{"name", "id"},
         {"in", "path"},
         {"required", true},
         {"schema", {{"type", "string"}}},
         {"description",
          "A token id from GET /api/tokens, or `current` (the token of this call)"}}};
    paths["/api/tokens/{id}"]["delete"] =
        op("Revoke one of your API tokens; it stops working at once", success, {401, 404}, true);
    paths["/api/streams/{id}/viewers"]["parameters"] = {id_param("id")};
    paths["/api/streams/{id}/viewers"]["get"] = op(
        "Signed-in users watching now, earliest first (403 viewer_list_hidden for others than the "
        "broadcaster, moderators and admins when the stream hides it)",
        {{"type", "array"},
         {"items",
          {{"type", "object"},
           {"required", {"userId", "joinedAt"}},
           {"properties",
            {{"userId", {{"type", "string"}, {"format", "uuid"}}},
             {"joinedAt", {{"type", "string"}, {"format", "date-time"}}}}}}}},
        {400, 401, 403, 404}, false);
    paths["/api/guest"]["post"] =
        op("A guest name for a viewer with no account: a viewer token for 24 hours (403 "
           "guests_disabled when the server turned guests off; 429 past 10 a minute per address)",
           ref("Guest"), {400, 403, 413, 415, 429}, false, ref("CreateGuest"), 201);
    paths["/api/streams/{id}/playback-token"]["post"] =
        op("A playback token for the stream's HLS and WHEP, valid 5 minutes, for a user who may "
           "view it: a private stream's media is served only with one (?token=, or a bearer "
           "token for WHEP); ask again before it expires",
           ref("PlaybackToken"), {401, 404, 503}, true);
    paths["/api/streams/{id}/playback-token"]["parameters"] = {id_param("id")};
    paths["/healthz"]["get"] =
        op("Liveness and database check", {{"type", "object"}}, {503}, false);
    paths["/metrics"]["get"] = {
        {"summary", "Prometheus text exposition"},
        {"responses", {{"200", {{"description", "text/plain; version=0.0.4"}}}}}};
    paths["/api/openapi.json"]["get"] = op("This document", {{"type", "object"}}, {}, false);
    {
        auto flag = json{{"type", "boolean"}};
        json features = {{"type", "object"},
                         {"required",
                          {"liveStreaming", "streamRecording", "streamChat", "streamReactions",
                           "streamScheduling", "maxStreamDuration"}},
                         {"properties",
                          {{"liveStreaming", flag},
                           {"streamRecording", flag},
                           {"streamChat", flag},
                           {"streamReactions", flag},
                           {"streamScheduling", flag},
                           {"maxStreamDuration", {{"type", "integer"}, {"minimum", 0}}}}}};
        paths["/api/config"]["get"] =
            op("The server's features (the spec's AppConfig; maxStreamDuration in minutes, 0 = "
               "unlimited) and the URLs a client needs",
               {{"type", "object"},
                {"required", {"features", "ingestUrl", "hlsBaseUrl"}},
                {"properties",
                 {{"features", features},
                  {"ingestUrl", {{"type", "string"}}},
                  {"hlsBaseUrl", {{"type", "string"}}}}}},
               {}, false);
    }
    json schemas = {{"Stream", stream_schema()},
                    {"ApiToken",
                     {{"type", "object"},
                      {"required", {"id", "createdAt", "lastUsedAt", "current"}},
                      {"properties",
                       {{"id", {{"type", "string"}}},
                        {"createdAt", {{"type", "string"}, {"format", "date-time"}}},
                        {"lastUsedAt",
                         {{"type", {"string", "null"}},
                          {"format", "date-time"},
                          {"description", "To the minute"}}},
                        {"current", {{"type", "boolean"}}}}}}},
                    {"CreateStream", input_schema(true)},
                    {"PatchStream", input_schema(false)},
                    {"LiveStream",
                     {{"allOf",
                       {stream,
                        {{"type", "object"},
                         {"required", {"currentViewers"}},
                         {"properties",
                          {{"currentViewers",
                            {{"type", "integer"},
                             {"description",
                              "WebSocket room members now (HLS players are not "
                              "counted)"}}}}}}}}}},
                    {"Me", me_schema()},
                    {"PlaybackToken",
                     {{"type", "object"},
                      {"required", {"token", "expiresAt", "hlsUrl", "whepUrl"}},
                      {"properties",
                       {{"token", {{"type", "string"}}},
                        {"expiresAt", {{"type", "string"}, {"format", "date-time"}}},
                        {"hlsUrl", {{"type", "string"}}},
                        {"whepUrl", {{"type", "string"}}}}}}},
                    {"Recording", recording_schema()},
                    {"Clip", clip_schema()},
                    {"CreateClip", clip_input_schema()},
                    {"CreateGuest", guest_input_schema()},
                    {"Guest", guest_schema()}};
    add_room_paths(paths, schemas);

    json error = {{"type", "object"},
                  {"required", {"error"}},
                  {"properties",
                   {{"error",
                     {{"type", "object"},
                      {"required", {"code", "message"}},
                      {"properties",
                       {{"code", {{"type", "string"}}},
                        {"message", {{"type", "string"}}},
                        {"field", {{"type", "string"}}}}}}}}}};
    schemas["Error"] = error;
    return {{"openapi", "3.1.0"},
            {"info", {{"title", "nchat-live API"}, {"version", version}}},
            {"servers", {{{"url", server_url}}}},
            {"paths", paths},
            {"components",
             {{"schemas", schemas},
              {"securitySchemes",
               {{"bearer",
                 {{"type", "http"},
                  {"scheme", "bearer"},
                  {"description",
                   "An API token from `nchat-live user create`, an HS256 JWT, or a guest token "
                   "from POST /api/guest"}}}}}}}};
}

}  // namespace nchat::api
