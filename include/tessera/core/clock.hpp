#pragma once
// The clock concept (what "now" means to a verifier), the system clock and a settable test clock.

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>

#include <time.h>

namespace tessera::core {

// A source of the current time.
// Rules: now() is thread-safe and noexcept, and returns wall-clock time (UTC, Unix epoch),
// since tokens and signatures carry Unix timestamps; it need not be monotonic.
template <class C>
concept clock = requires(const C& c) {
  { c.now() } noexcept -> std::same_as<std::chrono::system_clock::time_point>;
};

// The real wall clock.
struct system_clock {
  std::chrono::system_clock::time_point now() const noexcept { return std::chrono::system_clock::now(); }
};
static_assert(clock<system_clock>);

// The wall clock, read cheaply: CLOCK_REALTIME_COARSE where the platform has it (Linux: the time
// of the last scheduler tick, at most a few milliseconds old, for about an eighth of the cost of
// system_clock on this project's benchmark machine), system_clock elsewhere. Every check in
// tessera compares whole seconds, so the coarseness never shows; verifiers use this clock by
// default because they read the time on every request, and issuers and signers use it too, so
// that a token issued and checked in one process never looks issued a tick in the future.
struct coarse_clock {
  std::chrono::system_clock::time_point now() const noexcept;
};
static_assert(clock<coarse_clock>);

// A clock that stands still until a test sets or advances it; safe to use from many threads.
class manual_clock {
 public:
  manual_clock() noexcept = default;
  // Starts at the given number of seconds since the Unix epoch.
  explicit manual_clock(std::int64_t unix_seconds) noexcept : ns_(unix_seconds * 1'000'000'000) {}

  std::chrono::system_clock::time_point now() const noexcept {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(ns_.load())));
  }
  // Sets the time to the given number of seconds since the Unix epoch.
  void set(std::int64_t unix_seconds) noexcept { ns_.store(unix_seconds * 1'000'000'000); }
  // Moves the time forward (or back, for a negative duration).
  void advance(std::chrono::nanoseconds d) noexcept { ns_.fetch_add(d.count()); }

 private:
  std::atomic<std::int64_t> ns_{0};
};
static_assert(clock<manual_clock>);

// The longest duration tessera honours in any setting (ten years): leeways, grace periods,
// windows, tolerances, lifetimes and time-to-lives are clamped to it, or refused beyond it, where
// they are configured, so that no time arithmetic on them can overflow.
inline constexpr std::chrono::seconds max_duration = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::years{10});

// d bounded to [0, max_duration].
constexpr std::chrono::seconds clamp_duration(std::chrono::seconds d) noexcept {
  return d < std::chrono::seconds{0} ? std::chrono::seconds{0} : d > max_duration ? max_duration : d;
}

// Whole seconds since the Unix epoch of a time point (rounded toward negative infinity).
inline std::int64_t unix_seconds(std::chrono::system_clock::time_point t) noexcept {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}
// Whole seconds since the Unix epoch according to a clock.
template <clock C>
std::int64_t unix_seconds(const C& c) noexcept {
  return unix_seconds(c.now());
}

}  // namespace tessera::core

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/config.hpp"
#include "tessera/core/impl/clock.ipp"
#endif
