#pragma once
// co_await run_on(strand, fn): runs fn() on `ex` (a stream's strand) and resumes the awaiting
// coroutine on its own executor with the result. How an HTTP handler reads state that lives on
// another strand without a lock.
#include <exception>
#include <type_traits>

#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace nchat::util {

template <class Executor, class Fn>
auto run_on(Executor ex, Fn fn) {
    namespace net = boost::asio;
    using R = std::invoke_result_t<Fn&>;
    static_assert(!std::is_void_v<R>, "run_on needs a value; return a bool or a struct");
    return net::async_initiate<const net::use_awaitable_t<>, void(std::exception_ptr, R)>(
        [ex](auto handler, Fn f) {
            auto work = net::make_work_guard(net::get_associated_executor(handler));
            net::post(
                ex, [h = std::move(handler), f = std::move(f), work = std::move(work)]() mutable {
                    std::exception_ptr ep;
                    R result{};
                    try {
                        result = f();
                    } catch (...) {
                        ep = std::current_exception();
                    }
                    auto home = net::get_associated_executor(h);
                    net::dispatch(home, [h = std::move(h), ep, r = std::move(result)]() mutable {
                        std::move(h)(ep, std::move(r));
                    });
                });
        },
        net::use_awaitable, std::move(fn));
}

}  // namespace nchat::util
