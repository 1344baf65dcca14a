#pragma once
// tessera::result<T> — a value or an errc, shaped like std::expected<T, errc>.

#include <cassert>
#include <memory>
#include <new>
#include <system_error>
#include <type_traits>
#include <utility>

#include "tessera/core/error.hpp"

namespace tessera::core {

// The failure half of a result, like std::unexpected<errc>: `return unexpected{errc::bad_signature};`.
// errc{} (none_) is what success is made of, so a failure built from it (a custom store that fails
// without saying why) holds internal_error instead: no failure can ever read as success.
class unexpected {
 public:
  constexpr explicit unexpected(errc e) noexcept : code_(e == errc::none_ ? errc::internal_error : e) {}
  // The cause; never errc::none_.
  constexpr errc error() const noexcept { return code_; }

 private:
  errc code_;
};

// The exception thrown only by the checked accessor result::value() when it holds an error.
class bad_result_access : public std::system_error {
 public:
  explicit bad_result_access(errc e) : std::system_error(make_error_code(e)) {}
  errc code_value() const noexcept { return static_cast<errc>(code().value()); }
};

// Tag for result's constructor that builds the value from a function's return, in place.
struct from_call_t {
  explicit constexpr from_call_t() = default;
};
inline constexpr from_call_t from_call{};

// Either a T or the errc that explains why there is none. Verification paths return this.
template <class T>
class [[nodiscard]] result {
  static_assert(!std::is_reference_v<T>, "result<T&> is not supported");

 public:
  using value_type = T;
  using error_type = errc;

  // Holds a value built from the arguments.
  template <class U = T>
    requires std::is_constructible_v<T, U&&> && (!std::is_same_v<std::remove_cvref_t<U>, result>) &&
             (!std::is_same_v<std::remove_cvref_t<U>, unexpected>)
  constexpr result(U&& v) noexcept(std::is_nothrow_constructible_v<T, U&&>) : has_(true) {
    std::construct_at(&value_, std::forward<U>(v));
  }
  // Holds the T that f() returns, built in place with no move: for types with private
  // constructors (the lambda is written where they are accessible) and for hot paths.
  template <class F>
    requires std::is_same_v<std::invoke_result_t<F>, T>
  constexpr result(from_call_t, F&& f) noexcept(noexcept(std::forward<F>(f)())) : has_(true) {
    ::new (static_cast<void*>(&value_)) T(std::forward<F>(f)());
  }
  // Holds an error.
  constexpr result(unexpected u) noexcept : error_(u.error()), has_(false) {}

  result(const result& o) noexcept(std::is_nothrow_copy_constructible_v<T>) : has_(o.has_) {
    if (has_) ::new (static_cast<void*>(&value_)) T(o.value_);
    else error_ = o.error_;
  }
  result(result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) : has_(o.has_) {
    if (has_) ::new (static_cast<void*>(&value_)) T(std::move(o.value_));
    else error_ = o.error_;
  }
  result& operator=(const result& o) {
    if (this != &o) { result tmp(o); swap_in(std::move(tmp)); }
    return *this;
  }
  result& operator=(result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &o) swap_in(std::move(o));
    return *this;
  }
  constexpr ~result() { destroy(); }

  constexpr bool has_value() const noexcept { return has_; }
  constexpr explicit operator bool() const noexcept { return has_; }

  // The error; only meaningful when !has_value().
  constexpr errc error() const noexcept { return has_ ? errc::none_ : error_; }
  // The error as a std::error_code (empty on success).
  std::error_code error_code() const noexcept { return has_ ? std::error_code{} : make_error_code(error_); }

  // Unchecked access; the caller has tested has_value().
  T& operator*() & noexcept { assert(has_); return value_; }
  const T& operator*() const& noexcept { assert(has_); return value_; }
  T&& operator*() && noexcept { assert(has_); return std::move(value_); }
  T* operator->() noexcept { assert(has_); return &value_; }
  const T* operator->() const noexcept { assert(has_); return &value_; }

  // Checked access: throws bad_result_access on error. Convenience only, never on a hot path.
  T& value() & { check(); return value_; }
  const T& value() const& { check(); return value_; }
  T&& value() && { check(); return std::move(value_); }

  // The value, or the fallback when this holds an error.
  template <class U>
  T value_or(U&& fallback) const& { return has_ ? value_ : static_cast<T>(std::forward<U>(fallback)); }
  template <class U>
  T value_or(U&& fallback) && { return has_ ? std::move(value_) : static_cast<T>(std::forward<U>(fallback)); }

 private:
  void check() const {
    if (!has_) throw bad_result_access(error_);
  }
  constexpr void destroy() noexcept {
    if (has_) std::destroy_at(&value_);
  }
  void swap_in(result&& o) {
    destroy();
    has_ = o.has_;
    if (has_) ::new (static_cast<void*>(&value_)) T(std::move(o.value_));
    else error_ = o.error_;
  }

  union {
    T value_;
    errc error_;
  };
  bool has_;
};

// result<void>: success, or the errc that explains the failure.
template <>
class [[nodiscard]] result<void> {
 public:
  using value_type = void;
  using error_type = errc;

  constexpr result() noexcept = default;
  constexpr result(unexpected u) noexcept : error_(u.error()) {}

  constexpr bool has_value() const noexcept { return error_ == errc::none_; }
  constexpr explicit operator bool() const noexcept { return has_value(); }
  constexpr errc error() const noexcept { return error_; }
  std::error_code error_code() const noexcept {
    return has_value() ? std::error_code{} : make_error_code(error_);
  }
  // Throws bad_result_access on error.
  void value() const {
    if (!has_value()) throw bad_result_access(error_);
  }

 private:
  errc error_ = errc::none_;
};

// Shorthand for a successful result<void>.
inline constexpr result<void> ok() noexcept { return {}; }

}  // namespace tessera::core

namespace tessera {
using core::result;
using core::unexpected;
}  // namespace tessera

// Returns early with the error when `expr` (a result<...>) failed; the value, if any, is dropped.
#define TESSERA_TRY_VOID(expr)                                        \
  do {                                                                \
    if (auto tessera_try_r_ = (expr); !tessera_try_r_)                \
      return ::tessera::core::unexpected{tessera_try_r_.error()};     \
  } while (0)
