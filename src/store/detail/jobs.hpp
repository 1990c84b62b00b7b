#pragma once
// The two kinds of Lane job behind store::Database: one completing an Asio handler (resumed on
// its own executor), one fulfilling a std::promise (write_sync).
#include <future>
#include <optional>
#include <type_traits>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "store/detail/lane.hpp"

namespace nchat::store::detail {

namespace net = boost::asio;

// Completes Handler with void(std::exception_ptr) when R is void, else
// void(std::exception_ptr, R) (R{} along with an exception).
template <class F, class R, class Handler>
class AsyncJob final : public Job {
public:
    AsyncJob(F f, Handler handler)
        : f_(std::move(f)),
          handler_(std::move(handler)),
          // Keeps the handler's io_context from running out of work while the job waits.
          work_(net::prefer(net::get_associated_executor(handler_),
                            net::execution::outstanding_work.tracked)) {}

    void run(Store& s) override {
        std::exception_ptr error;
        if constexpr (std::is_void_v<R>) {
            try {
                f_(s);
            } catch (...) {
                error = std::current_exception();
            }
            complete(error);
        } else {
            R result{};
            try {
                result = f_(s);
            } catch (...) {
                error = std::current_exception();
            }
            complete(error, std::move(result));
        }
    }

    void fail(std::exception_ptr e) override {
        if constexpr (std::is_void_v<R>) {
            complete(e);
        } else {
            complete(e, R{});
        }
    }

private:
    template <class... Args>
    void complete(Args... args) {
        // Never inline: the caller resumes on its own executor (its strand), not on ours.
        net::post(work_, [h = std::move(handler_), ... args = std::move(args)]() mutable {
            std::move(h)(std::move(args)...);
        });
    }

    F f_;
    Handler handler_;
    std::decay_t<decltype(net::prefer(std::declval<net::associated_executor_t<Handler>>(),
                                      net::execution::outstanding_work.tracked))>
        work_;
};

// The initiation of Database::read/write: queues an AsyncJob completing the coroutine's handler.
template <class F, class R>
struct SubmitJob {
    Lane* lane;
    F f;

    template <class Handler>
    void operator()(Handler&& handler) && {
        lane->submit(std::make_unique<AsyncJob<F, R, std::decay_t<Handler>>>(
            std::move(f), std::forward<Handler>(handler)));
    }
};

// Returns Boost's awaitable directly (no coroutine frame of ours to hold F): F travels inside
// the initiation object into the job.
template <class F, class R = std::invoke_result_t<F, Store&>>
net::awaitable<R> submit_async(Lane& lane, F f) {
    using Token = const net::use_awaitable_t<>&;
    if constexpr (std::is_void_v<R>) {
        return net::async_initiate<Token, void(std::exception_ptr)>(
            SubmitJob<F, R>{&lane, std::move(f)}, net::use_awaitable);
    } else {
        static_assert(std::is_default_constructible_v<R>,
                      "a storage call must return a default-constructible type (or void)");
        return net::async_initiate<Token, void(std::exception_ptr, R)>(
            SubmitJob<F, R>{&lane, std::move(f)}, net::use_awaitable);
    }
}

template <class F, class R>
class SyncJob final : public Job {
public:
    SyncJob(F f, std::promise<R>& done) : f_(std::move(f)), done_(done) {}

    void run(Store& s) override {
        try {
            if constexpr (std::is_void_v<R>) {
                f_(s);
                done_.set_value();
            } else {
                done_.set_value(f_(s));
            }
        } catch (...) {
            done_.set_exception(std::current_exception());
        }
    }
    void fail(std::exception_ptr e) override { done_.set_exception(e); }

private:
    F f_;
    std::promise<R>& done_;  // the caller blocks on its future until we are done
};

}  // namespace nchat::store::detail
