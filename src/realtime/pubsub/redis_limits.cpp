#include "realtime/pubsub/redis_limits.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "realtime/pubsub/redis_conn.hpp"
#include "util/log.hpp"

namespace nchat::realtime {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

constexpr std::size_t kMaxQueued = 10'000;
constexpr std::size_t kMaxBatch = 500;
constexpr timeval kTimeout{0, 200'000};  // a reply later than this: the node decides alone
constexpr auto kMinBackoff = 100ms;
constexpr auto kMaxBackoff = 5000ms;

// KEYS[1] the bucket; ARGV per second, burst. Returns {allowed 0/1, ms until a token}.
constexpr const char* kTakeScript = R"lua(
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(v[1]) or burst
local at = tonumber(v[2]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) * rate / 1000) end
local ok, wait = 0, 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(math.max(now, at)))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {ok, wait}
)lua";

std::optional<RateLimiter::Decision> decision_of(const redisReply* r) {
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) return std::nullopt;
    const auto* ok = r->element[0];
    const auto* wait = r->element[1];
    if (ok->type != REDIS_REPLY_INTEGER || wait->type != REDIS_REPLY_INTEGER) return std::nullopt;
    RateLimiter::Decision d;
    d.allowed = ok->integer == 1;
    d.retry_after = std::chrono::milliseconds(std::max<long long>(wait->integer, 0));
    return d;
}

}  // namespace

RedisLimits::RedisLimits(const std::string& url, std::string prefix)
    : url_(parse_redis_url(url)), prefix_(std::move(prefix)) {}

RedisLimits::~RedisLimits() {
    stop();
}

void RedisLimits::start() {
    thread_ = std::thread([this] { loop(); });
}

void RedisLimits::stop() {
    std::deque<Pending> left;
    {
        std::lock_guard lock(mu_);
        stop_ = true;
        left.swap(queue_);
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    for (auto& p : left)
        p.done(std::nullopt);
}

void RedisLimits::enqueue(Pending p) {
    {
        std::unique_lock lock(mu_);
        if (!stop_ && connected_ && queue_.size() < kMaxQueued) {
            queue_.push_back(std::move(p));
            lock.unlock();
            cv_.notify_one();
            return;
        }
    }
    fell_back_.fetch_add(1, std::memory_order_relaxed);
    p.done(std::nullopt);
}

net::awaitable<std::optional<RateLimiter::Decision>> RedisLimits::take(std::string key,
                                                                       double per_second,
                                                                       double burst) {
    using Result = std::optional<RateLimiter::Decision>;
    auto init = [this, per_second, burst](auto handler, std::string bucket) {
        // The answer resumes the coroutine on its own executor, never on this thread.
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        Done done = [h](Result r) {
            auto ex = net::get_associated_executor(*h);
            net::post(ex, [h, r]() mutable { std::move (*h)(r); });
        };
        enqueue(Pending{prefix_ + ":rl:" + bucket, per_second, burst, std::move(done)});
    };
    // Named, not temporaries of the co_await expression: g++ 12 destroys those twice.
    auto op = net::async_initiate<const net::use_awaitable_t<>&, void(Result)>(
        std::move(init), net::use_awaitable, std::move(key));
    Result r = co_await std::move(op);
    co_return r;
}

void RedisLimits::loop() {
    auto log = util::logger("realtime");
    auto backoff = kMinBackoff;
    bool warned = false;
    for (;;) {
        {
            std::lock_guard lock(mu_);
            if (stop_) return;
        }
        std::string error;
        auto c = redis::connect(url_, kTimeout, error);
        if (!c) {
            if (!warned) log->warn("redis {}:{} (rate limits): {}", url_.host, url_.port, error);
            warned = true;
            std::unique_lock lock(mu_);
            cv_.wait_for(lock, backoff, [&] { return stop_; });
            backoff = std::min(backoff * 2, kMaxBackoff);
            continue;
        }
        if (warned) log->info("redis {}:{} (rate limits): connected", url_.host, url_.port);
        warned = false;
        backoff = kMinBackoff;
        {
            std::lock_guard lock(mu_);
            connected_ = true;
        }
        for (;;) {
            std::vector<Pending> batch;
            {
                std::unique_lock lock(mu_);
                cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
                if (stop_) {
                    connected_ = false;
                    return;
                }
                while (!queue_.empty() && batch.size() < kMaxBatch) {
                    batch.push_back(std::move(queue_.front()));
                    queue_.pop_front();
                }
            }
            for (const auto& p : batch) {
                const std::string rate = std::to_string(p.per_second);
                const std::string burst = std::to_string(p.burst);
                const char* argv[6] = {"EVAL",        kTakeScript,  "1",
                                       p.key.c_str(), rate.c_str(), burst.c_str()};
                const size_t lens[6] = {4,           std::char_traits<char>::length(kTakeScript),
                                        1,           p.key.size(),
                                        rate.size(), burst.size()};
                redisAppendCommandArgv(c.get(), 6, argv, lens);
            }
            bool lost = false;
            for (auto& p : batch) {
                void* raw = nullptr;
                if (!lost && redisGetReply(c.get(), &raw) != REDIS_OK) lost = true;
                redis::ReplyPtr r(static_cast<redisReply*>(raw));
                auto d = lost ? std::nullopt : decision_of(r.get());
                (d ? answered_ : fell_back_).fetch_add(1, std::memory_order_relaxed);
                p.done(d);
            }
            if (lost) {
                log->warn("redis {}:{} (rate limits): {}; each node limits alone until it is back",
                          url_.host, url_.port, c->errstr[0] ? c->errstr : "no reply in time");
                std::deque<Pending> left;
                {
                    std::lock_guard lock(mu_);
                    connected_ = false;
                    left.swap(queue_);
                }
                for (auto& p : left) {
                    fell_back_.fetch_add(1, std::memory_order_relaxed);
                    p.done(std::nullopt);
                }
                break;
            }
        }
    }
}

}  // namespace nchat::realtime
