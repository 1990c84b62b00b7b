#include "realtime/hub.hpp"

#include <boost/asio/post.hpp>

namespace nchat::realtime {

Shard::Shard(net::io_context& ioc, Presence& presence)
    : strand_(net::make_strand(ioc)), rooms_(&presence) {}

void Shard::attach(Member& m) {
    m.prev_ = nullptr;
    m.next_ = head_;
    if (head_) head_->prev_ = &m;
    head_ = &m;
    stats_.connections.fetch_add(1, std::memory_order_relaxed);
}

void Shard::detach(Member& m) {
    if (m.prev_) {
        m.prev_->next_ = m.next_;
    } else if (head_ == &m) {
        head_ = m.next_;
    } else {
        return;  // not attached
    }
    if (m.next_) m.next_->prev_ = m.prev_;
    m.prev_ = m.next_ = nullptr;
    stats_.connections.fetch_sub(1, std::memory_order_relaxed);
}

void Shard::fan_out(const OutEventPtr& e) {
    auto n = rooms_.deliver(e);
    stats_.events.fetch_add(1, std::memory_order_relaxed);
    stats_.deliveries.fetch_add(n, std::memory_order_relaxed);
}

void Shard::tick(std::chrono::steady_clock::time_point now) {
    // A member's tick may start its close, never detach it here: the next pointer stays valid.
    for (Member* m = head_; m;) {
        Member* next = m->next_;
        m->tick(now);
        m = next;
    }
}

void Shard::shutdown_all(bool now) {
    for (Member* m = head_; m;) {
        Member* next = m->next_;
        m->shutdown(now);
        m = next;
    }
}

Hub::Hub(net::io_context& ioc, HubOptions opts)
    : ioc_(ioc), opts_(opts), strand_(net::make_strand(ioc)), timer_(strand_) {
    if (opts_.shards == 0) opts_.shards = 1;
    for (unsigned i = 0; i < opts_.shards; ++i) {
        auto& c = opts_.shard_contexts.empty()
                      ? ioc
                      : *opts_.shard_contexts[i % opts_.shard_contexts.size()];
        shards_.push_back(std::make_unique<Shard>(c, presence_));
    }
}

Hub::~Hub() = default;

void Hub::start() {
    net::post(strand_, [this] {
        running_ = true;
        schedule_tick();
    });
}

void Hub::stop() {
    net::post(strand_, [this] {
        running_ = false;
        timer_.cancel();
    });
}

void Hub::deliver(const Event& e) {
    deliver(make_out_event(e));
}

void Hub::deliver(OutEventPtr e) {
    if (observer_) observer_(*e);
    for (auto& s : shards_) {
        net::post(s->executor(), [shard = s.get(), e] { shard->fan_out(e); });
    }
}

Shard& Hub::pick_shard() {
    return *shards_[next_.fetch_add(1, std::memory_order_relaxed) % shards_.size()];
}

HubTotals Hub::totals() const {
    HubTotals t;
    for (const auto& s : shards_) {
        auto& st = s->stats();
        t.events += st.events.load(std::memory_order_relaxed);
        t.deliveries += st.deliveries.load(std::memory_order_relaxed);
        t.dropped += st.dropped.load(std::memory_order_relaxed);
        t.slow_closed += st.slow_closed.load(std::memory_order_relaxed);
        t.bad_frames += st.bad_frames.load(std::memory_order_relaxed);
        t.heartbeat_closed += st.heartbeat_closed.load(std::memory_order_relaxed);
        t.connections += st.connections.load(std::memory_order_relaxed);
    }
    return t;
}

void Hub::schedule_tick() {
    timer_.expires_after(opts_.tick);
    timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || !running_) return;
        on_tick();
        schedule_tick();
    });
}

void Hub::on_tick() {
    auto now = std::chrono::steady_clock::now();
    for (auto& s : shards_) {
        net::post(s->executor(), [shard = s.get(), now] { shard->tick(now); });
    }
    for (auto& [stream, count] : presence_.take_changes(now)) {
        Event e;
        e.stream_id = stream;
        e.type = "viewers";
        e.data = {{"count", count}};
        deliver(e);
    }
    if (publish_presence_) publish_presence_(presence_.local_counts());
}

}  // namespace nchat::realtime
