#include "store/detail/lane.hpp"

namespace nchat::store::detail {

Lane::Lane(std::unique_ptr<Store> store, std::size_t max_queue)
    : store_(std::move(store)), max_queue_(max_queue), thread_([this] { loop(); }) {}

Lane::~Lane() {
    stop();
}

void Lane::submit(std::unique_ptr<Job> job) {
    std::exception_ptr refused;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            refused = std::make_exception_ptr(StoreError("storage stopped"));
        } else if (queue_.size() >= max_queue_) {
            refused = std::make_exception_ptr(Overloaded());
        } else {
            queue_.push_back(std::move(job));
        }
    }
    if (refused) {
        job->fail(refused);
        return;
    }
    wake_.notify_one();
}

void Lane::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    std::lock_guard lock(join_mutex_);
    if (thread_.joinable()) thread_.join();
}

void Lane::loop() {
    for (;;) {
        std::unique_ptr<Job> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) break;  // stopping, and everything queued has run
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        job->run(*store_);
    }
    store_.reset();  // the connection closes on the thread that used it
}

}  // namespace nchat::store::detail
