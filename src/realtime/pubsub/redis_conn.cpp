#include "realtime/pubsub/redis_conn.hpp"

namespace nchat::realtime::redis {

ContextPtr connect(const RedisUrl& url, timeval timeout, std::string& error) {
    ContextPtr c(redisConnectWithTimeout(url.host.c_str(), url.port, timeout));
    if (!c) {
        error = "cannot allocate a Redis context";
        return nullptr;
    }
    if (c->err) {
        error = c->errstr;
        return nullptr;
    }
    redisSetTimeout(c.get(), timeout);
    redisEnableKeepAlive(c.get());
    if (!url.password.empty()) {
        ReplyPtr r(
            static_cast<redisReply*>(redisCommand(c.get(), "AUTH %s", url.password.c_str())));
        if (!r || r->type == REDIS_REPLY_ERROR) {
            error = r ? std::string(r->str, r->len) : std::string(c->errstr);
            return nullptr;
        }
    }
    return c;
}

}  // namespace nchat::realtime::redis
