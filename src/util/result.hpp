#pragma once
// Result<T>: a value or a std::error_code, for the data plane where exceptions are not used
// (STYLE.md, Errors). g++ 12 has no std::expected.
#include <cassert>
#include <system_error>
#include <utility>
#include <variant>

namespace nchat::util {

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
    Result(std::error_code ec) : v_(ec) { assert(ec); }  // NOLINT(google-explicit-constructor)
    template <class E>
    requires std::is_error_code_enum_v<E> Result(E e)
        : Result(std::error_code(make_error_code(e))) {}  // NOLINT

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    std::error_code error() const { return ok() ? std::error_code{} : std::get<1>(v_); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, std::error_code> v_;
};

}  // namespace nchat::util
