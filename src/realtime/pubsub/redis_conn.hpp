#pragma once
// A synchronous hiredis connection, as the Redis bus and the shared rate limits open them:
// connect and I/O timeouts, TCP keep-alive, AUTH when the URL has a password.
#include <memory>
#include <string>

#include <hiredis/hiredis.h>

#include "realtime/pubsub/redis_bus.hpp"

namespace nchat::realtime::redis {

struct ContextFree {
    void operator()(redisContext* c) const { redisFree(c); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextFree>;
struct ReplyFree {
    void operator()(void* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

// nullptr with `error` set when it cannot connect or authenticate.
ContextPtr connect(const RedisUrl& url, timeval timeout, std::string& error);

}  // namespace nchat::realtime::redis
