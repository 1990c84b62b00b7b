#pragma once
// The question every ingest (RTMP, WHIP) asks the app before media flows: may this key publish?
// The answer is a value: a grant with the LiveStream to feed, or a refusal whose reason each
// protocol turns into its own words (an RTMP onStatus code, a WHIP HTTP status).
#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include <boost/asio/awaitable.hpp>

#include "live/live_stream.hpp"

namespace nchat::ingest {

struct PublishGrant {
    std::string stream_id;
    std::shared_ptr<live::LiveStream> stream;
};

enum class RefusalReason : std::uint8_t {
    missing_key,  // no key, or not one we could ever have issued
    unknown_key,  // no stream has it
    ended,        // the stream ended or was cancelled: a new stream is needed
    busy,         // another publisher is live on it
    disabled,     // the server takes no publish (--live-streaming=false)
};

struct PublishRefusal {
    RefusalReason reason = RefusalReason::unknown_key;
    std::string description;  // shown to the broadcaster; never contains the key
};

// The app's answer (store lookup, state check, claim). `publisher` is unique per session.
class PublishAuthorizer {
public:
    virtual ~PublishAuthorizer() = default;
    virtual boost::asio::awaitable<std::variant<PublishGrant, PublishRefusal>> authorize(
        std::string key, std::uint64_t publisher, std::string peer) = 0;
    virtual void unpublished(const std::string& stream_id, std::uint64_t publisher) = 0;
};

}  // namespace nchat::ingest
