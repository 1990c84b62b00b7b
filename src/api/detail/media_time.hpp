#pragma once
// The chat and reactions of some seconds of a recording, by media time (issue 16,
// docs/recording.md "Media time"): GET /api/streams/{id}/chat?fromMs=&toMs=, the same for
// reactions, and a clip's chat. Each item carries `mediaMs`; in media-time order. A stream
// with no recording here is not_found. The caller has checked that the reader may see it.
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "api/context.hpp"

namespace nchat::api::detail {

boost::asio::awaitable<nlohmann::json> chat_at(ApiContext& ctx,
                                               std::string stream_id,
                                               std::int64_t from_ms,
                                               std::int64_t to_ms,
                                               std::int64_t limit);
boost::asio::awaitable<nlohmann::json> reactions_at(ApiContext& ctx,
                                                    std::string stream_id,
                                                    std::int64_t from_ms,
                                                    std::int64_t to_ms,
                                                    std::int64_t limit);

}  // namespace nchat::api::detail
