#pragma once
// concurrency_guard: a counting semaphore that refuses instead of queueing without bound.
// Slow hashing costs about 128 MiB and tens to hundreds of milliseconds per attempt, so a
// flood of logins must not start more hashes at once than the server can afford; attempts
// beyond that get too_many_requests (HTTP 429) right away, or after a short, bounded wait.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"

namespace tessera::credentials {

// A sensible default bound on concurrent slow hashes: one per hardware thread (at least 1).
inline std::size_t default_concurrency() noexcept {
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

// Limits how many callers hold a permit at once, and how many may wait for one.
// All members are thread-safe. A permit must not outlive its guard.
class concurrency_guard {
 public:
  // Proof of a held slot; releases it when destroyed. Move-only.
  class permit {
   public:
    permit(permit&& o) noexcept : guard_(o.guard_) { o.guard_ = nullptr; }
    permit& operator=(permit&& o) noexcept {
      if (this != &o) {
        release();
        guard_ = o.guard_;
        o.guard_ = nullptr;
      }
      return *this;
    }
    permit(const permit&) = delete;
    permit& operator=(const permit&) = delete;
    ~permit() { release(); }
    // Gives the slot back early (idempotent).
    void release() noexcept {
      if (guard_) guard_->give_back();
      guard_ = nullptr;
    }

   private:
    friend class concurrency_guard;
    explicit permit(concurrency_guard* g) noexcept : guard_(g) {}
    concurrency_guard* guard_;
  };

  // At most max_concurrent permits at once (at least 1); at most max_waiting callers waiting
  // in acquire_for() (0: nobody waits).
  explicit concurrency_guard(std::size_t max_concurrent = default_concurrency(), std::size_t max_waiting = 0) noexcept
      : capacity_(std::max<std::size_t>(1, max_concurrent)), max_waiting_(max_waiting) {}
  concurrency_guard(const concurrency_guard&) = delete;
  concurrency_guard& operator=(const concurrency_guard&) = delete;

  // A permit if a slot is free now, else too_many_requests. Never blocks on other holders.
  result<permit> try_acquire() noexcept;

  // A permit if one frees up within `wait`; too_many_requests when the wait runs out or when
  // max_waiting callers are already waiting.
  result<permit> acquire_for(std::chrono::milliseconds wait) noexcept;

  // The number of permits held right now.
  std::size_t in_use() const noexcept {
    std::lock_guard lock(mu_);
    return in_use_;
  }
  // The number of callers waiting right now.
  std::size_t waiting() const noexcept {
    std::lock_guard lock(mu_);
    return waiting_;
  }
  // The most permits held at once.
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  void give_back() noexcept;

  const std::size_t capacity_;
  const std::size_t max_waiting_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::size_t in_use_ = 0;
  std::size_t waiting_ = 0;
};

}  // namespace tessera::credentials

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/credentials/impl/concurrency_guard.ipp"
#endif
