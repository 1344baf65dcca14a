#pragma once
// mutable_holder: how a class with const member functions keeps a policy object whose own
// members change on every call (replay stores, audit sinks, rate limiters).

namespace tessera::detail {

// Holds a policy object for a const member function: by reference when T is a reference type
// (an object shared with, and owned by, the caller), else as a mutable member.
template <class T>
struct mutable_holder {
  mutable T value;
  T& get() const noexcept { return value; }
};
template <class T>
struct mutable_holder<T&> {
  T& value;
  T& get() const noexcept { return value; }
};

}  // namespace tessera::detail
