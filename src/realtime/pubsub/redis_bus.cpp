#include "realtime/pubsub/redis_bus.hpp"

#include <charconv>
#include <stdexcept>

#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>
#include <poll.h>

#include "realtime/hub.hpp"
#include "realtime/pubsub/redis_conn.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

namespace nchat::realtime {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

using redis::ContextPtr;
using redis::ReplyPtr;

constexpr auto kMinBackoff = 100ms;
constexpr auto kMaxBackoff = 5000ms;
constexpr timeval kIoTimeout{2, 0};
// Each PUBLISH batch at most this many commands, so one slow batch does not hold the rest.
constexpr std::size_t kMaxBatch = 1000;

ContextPtr connect(const RedisUrl& url, std::string& error) {
    return redis::connect(url, kIoTimeout, error);
}

}  // namespace

RedisBus::RedisBus(Hub& hub, RedisBusOptions opts)
    : hub_(hub),
      opts_(std::move(opts)),
      url_(parse_redis_url(opts_.url)),
      events_channel_(opts_.prefix + ":events"),
      presence_channel_(opts_.prefix + ":presence"),
      origins_channel_(opts_.prefix + ":origins") {
    if (opts_.node_id.empty()) opts_.node_id = util::new_uuid();
    link_->bus = this;
    hub_.set_presence_publisher([link = link_](const RoomCounts& counts) {
        std::lock_guard lock(link->mu);
        if (auto* bus = link->bus) {
            bus->enqueue(bus->presence_channel_, encode_presence(bus->opts_.node_id, counts));
            bus->announce_origins();
        }
    });
}

RedisBus::~RedisBus() {
    {
        std::lock_guard lock(link_->mu);
        link_->bus = nullptr;
    }
    stop();
}

void RedisBus::start() {
    publisher_ = std::thread([this] { publisher_loop(); });
    subscriber_ = std::thread([this] { subscriber_loop(); });
}

void RedisBus::stop() {
    {
        std::lock_guard lock(mu_);
        if (stop_ && !publisher_.joinable() && !subscriber_.joinable()) return;
        stop_ = true;
    }
    stopping_ = true;
    cv_.notify_all();
    if (publisher_.joinable()) publisher_.join();
    if (subscriber_.joinable()) subscriber_.join();
}

void RedisBus::publish(Event e) {
    // This node's rooms first, at once; the other nodes through Redis.
    hub_.deliver(e);
    enqueue(events_channel_, encode_bus_event(opts_.node_id, e));
}

void RedisBus::enqueue(const std::string& channel, std::string payload) {
    {
        std::lock_guard lock(mu_);
        if (queue_.size() >= opts_.max_queue) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        queue_.push_back({&channel, std::move(payload)});
    }
    cv_.notify_one();
}

bool RedisBus::pause(std::chrono::milliseconds d) {
    std::unique_lock lock(mu_);
    return !cv_.wait_for(lock, d, [this] { return stop_; });
}

RedisBusStats RedisBus::stats() const {
    RedisBusStats s;
    s.published = published_.load();
    s.publish_dropped = dropped_.load();
    s.received = received_.load();
    s.own_echoes = echoes_.load();
    s.bad_messages = bad_.load();
    s.reconnects = reconnects_.load();
    s.subscribed = subscribed_.load();
    return s;
}

void RedisBus::publisher_loop() {
    auto log = util::logger("realtime");
    ContextPtr c;
    auto backoff = kMinBackoff;
    bool warned = false;
    for (;;) {
        if (!c) {
            if (stopping_) {
                std::lock_guard lock(mu_);
                dropped_.fetch_add(queue_.size());
                queue_.clear();
                return;
            }
            std::string error;
            c = connect(url_, error);
            if (!c) {
                if (!warned) log->warn("redis {}:{} (publish): {}", url_.host, url_.port, error);
                warned = true;
                pause(backoff);
                backoff = std::min(backoff * 2, kMaxBackoff);
                continue;
            }
            if (warned) log->info("redis {}:{} (publish): connected", url_.host, url_.port);
            warned = false;
            backoff = kMinBackoff;
        }
        std::vector<Outgoing> batch;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and everything is sent
            while (!queue_.empty() && batch.size() < kMaxBatch) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        // Pipelined: every PUBLISH goes out, then the answers are read.
        for (const auto& m : batch) {
            const char* argv[3] = {"PUBLISH", m.channel->c_str(), m.payload.data()};
            size_t lens[3] = {7, m.channel->size(), m.payload.size()};
            redisAppendCommandArgv(c.get(), 3, argv, lens);
        }
        std::size_t ok = 0;
        for (; ok < batch.size(); ++ok) {
            void* r = nullptr;
            if (redisGetReply(c.get(), &r) != REDIS_OK) break;
            freeReplyObject(r);
        }
        published_.fetch_add(ok);
        if (ok < batch.size()) {
            dropped_.fetch_add(batch.size() - ok);
            log->warn("redis {}:{} (publish): {}; reconnecting", url_.host, url_.port,
                      c->errstr[0] ? c->errstr : "connection lost");
            warned = true;
            reconnects_.fetch_add(1);
            c.reset();
        }
    }
}

void RedisBus::subscriber_loop() {
    auto log = util::logger("realtime");
    auto backoff = kMinBackoff;
    bool warned = false;
    while (!stopping_) {
        std::string error;
        auto c = connect(url_, error);
        if (c) {
            const char* argv[4] = {"SUBSCRIBE", events_channel_.c_str(), presence_channel_.c_str(),
                                   origins_channel_.c_str()};
            size_t lens[4] = {9, events_channel_.size(), presence_channel_.size(),
                              origins_channel_.size()};
            redisAppendCommandArgv(c.get(), 4, argv, lens);
            int done = 0;
            while (!done) {
                if (redisBufferWrite(c.get(), &done) != REDIS_OK) break;
            }
            if (!done) {
                error = c->errstr;
                c.reset();
            }
        }
        if (!c) {
            if (!warned) log->warn("redis {}:{} (subscribe): {}", url_.host, url_.port, error);
            warned = true;
            pause(backoff);
            backoff = std::min(backoff * 2, kMaxBackoff);
            continue;
        }
        log->info("redis {}:{}: subscribed to {} and {}", url_.host, url_.port, events_channel_,
                  presence_channel_);
        warned = false;
        backoff = kMinBackoff;
        // Poll with a short timeout so stop() is noticed; parse whatever has arrived.
        while (!stopping_) {
            void* raw = nullptr;
            if (redisGetReplyFromReader(c.get(), &raw) != REDIS_OK) break;
            if (raw) {
                ReplyPtr r(static_cast<redisReply*>(raw));
                if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
                    r->element[0]->type == REDIS_REPLY_STRING) {
                    std::string_view kind(r->element[0]->str, r->element[0]->len);
                    if (kind == "subscribe") {
                        subscribed_ = true;
                    } else if (kind == "message" && r->element[1]->type == REDIS_REPLY_STRING &&
                               r->element[2]->type == REDIS_REPLY_STRING) {
                        on_message({r->element[1]->str, r->element[1]->len},
                                   {r->element[2]->str, r->element[2]->len});
                    }
                }
                continue;
            }
            pollfd p{c->fd, POLLIN, 0};
            int n = ::poll(&p, 1, 200);
            if (n < 0 && errno != EINTR) break;
            if (n <= 0) continue;
            if (redisBufferRead(c.get()) != REDIS_OK) break;
        }
        subscribed_ = false;
        if (!stopping_) {
            log->warn("redis {}:{} (subscribe): {}; reconnecting", url_.host, url_.port,
                      c->errstr[0] ? c->errstr : "connection lost");
            reconnects_.fetch_add(1);
            warned = true;
        }
    }
}

void RedisBus::on_message(std::string_view channel, std::string_view payload) {
    if (channel == events_channel_) {
        auto e = decode_bus_event(payload);
        if (!e) {
            bad_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        if (e->node == opts_.node_id) {
            echoes_.fetch_add(1, std::memory_order_relaxed);  // delivered here already
            return;
        }
        received_.fetch_add(1, std::memory_order_relaxed);
        hub_.deliver(e->event);
    } else if (channel == presence_channel_) {
        auto p = decode_presence(payload);
        if (!p) {
            bad_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        if (p->first == opts_.node_id) return;
        hub_.presence().apply_remote(p->first, std::move(p->second),
                                     std::chrono::steady_clock::now());
    } else if (channel == origins_channel_) {
        auto a = decode_origins(payload);
        if (!a) {
            bad_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        if (a->node != opts_.node_id) on_origins(std::move(*a));
    }
}

void RedisBus::set_local_streams(std::function<std::vector<std::string>()> f) {
    local_streams_ = std::move(f);
}

void RedisBus::set_public_url(std::string url) {
    std::lock_guard lock(origins_mu_);
    public_url_ = std::move(url);
}

void RedisBus::announce_origins() {
    std::string url;
    {
        std::lock_guard lock(origins_mu_);
        url = public_url_;
    }
    if (!local_streams_ || url.empty()) return;
    OriginAnnouncement a{opts_.node_id, std::move(url), local_streams_()};
    if (a.streams.empty()) return;
    enqueue(origins_channel_, encode_origins(a));
}

void RedisBus::on_origins(OriginAnnouncement a) {
    // Bounded whatever other nodes send: stale entries go first, then everything.
    constexpr std::size_t kMaxOrigins = 100'000;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(origins_mu_);
    if (origins_.size() + a.streams.size() > kMaxOrigins) {
        std::erase_if(origins_, [&](const auto& kv) { return now - kv.second.seen > kOriginTtl; });
        if (origins_.size() + a.streams.size() > kMaxOrigins) origins_.clear();
    }
    for (auto& s : a.streams)
        origins_[std::move(s)] = Remote{a.url, now};
}

std::optional<std::string> RedisBus::origin_of(const std::string& stream_id) const {
    std::lock_guard lock(origins_mu_);
    auto it = origins_.find(stream_id);
    if (it == origins_.end() || std::chrono::steady_clock::now() - it->second.seen > kOriginTtl) {
        return std::nullopt;
    }
    return it->second.url;
}

}  // namespace nchat::realtime
