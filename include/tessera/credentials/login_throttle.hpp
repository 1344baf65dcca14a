#pragma once
// Brute-force protection for logins: after a run of wrong secrets for one client id, further
// attempts for that id are refused for a while (429, too_many_failed_logins) before any hashing.

#include <algorithm>
#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tessera/config.hpp"
#include "tessera/core/result.hpp"
#include "tessera/core/string_hash.hpp"

namespace tessera::credentials {

// Counts failed logins per client id.
// Rules:
//  - admit(id, now) is asked before any slow hash: too_many_failed_logins (429) while the id is
//    locked out, store_unavailable when the store cannot answer (the login is refused);
//  - failed(id, now) records a wrong secret or an unknown id; after max_failures in a row the id
//    is locked out. An unknown id is counted exactly like a known one, so the lock-out never
//    tells which ids exist;
//  - succeeded(id) ends the run: the count starts again from zero;
//  - every member is noexcept and thread-safe, and memory stays bounded however many ids fail.
template <class T>
concept login_throttle = requires(T& t, std::string_view id, std::chrono::system_clock::time_point now) {
  { t.admit(id, now) } noexcept -> std::same_as<result<void>>;
  { t.failed(id, now) } noexcept;
  { t.succeeded(id) } noexcept;
};

// Settings of memory_login_throttle.
struct login_throttle_options {
  unsigned max_failures = 5;                          // wrong secrets in a row before a lock-out
  std::chrono::seconds lockout{60};                   // how long a lock-out lasts
  std::chrono::seconds forget_after{std::chrono::minutes(15)};  // a run is forgotten after this quiet
  std::size_t capacity = 100'000;                     // ids tracked at once, across all shards
};

// A thread-safe in-memory login_throttle: 16 independently locked shards. When a shard is full,
// forgotten runs are swept first, then runs that are not locked out; ids under a lock-out are
// kept, so a flood of made-up ids cannot free a locked one.
class memory_login_throttle {
 public:
  // A throttle with these settings (max_failures of 0 counts as 1).
  explicit memory_login_throttle(login_throttle_options o = {})
      : opts_(o), per_shard_cap_(std::max<std::size_t>(1, o.capacity / shard_count)) {
    opts_.max_failures = std::max(1u, opts_.max_failures);
  }
  memory_login_throttle(const memory_login_throttle&) = delete;
  memory_login_throttle& operator=(const memory_login_throttle&) = delete;

  // too_many_failed_logins while id is locked out.
  result<void> admit(std::string_view id, std::chrono::system_clock::time_point now) noexcept;
  // Counts a failure; the max_failures-th in a row locks id out for the lock-out time.
  void failed(std::string_view id, std::chrono::system_clock::time_point now) noexcept;
  // Ends id's run of failures.
  void succeeded(std::string_view id) noexcept;
  // Seconds a client should wait after a lock-out (for Retry-After).
  int retry_after_seconds() const noexcept { return static_cast<int>(opts_.lockout.count()); }
  // Number of ids tracked now.
  std::size_t size() const;

 private:
  static constexpr std::size_t shard_count = 16;
  struct run {
    unsigned failures = 0;
    std::chrono::system_clock::time_point last{};
    std::chrono::system_clock::time_point locked_until{};
  };
  struct alignas(config::shard_alignment) shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, run, core::string_hash, std::equal_to<>> runs;
  };
  shard& shard_of(std::string_view id) noexcept { return shards_[core::string_hash{}(id) % shard_count]; }

  // Frees a full shard: forgotten runs first, then every run not locked out.
  void make_room(shard& s, std::chrono::system_clock::time_point now) {
    std::erase_if(s.runs, [&](const auto& e) { return now - e.second.last > opts_.forget_after && e.second.locked_until <= now; });
    if (s.runs.size() >= per_shard_cap_) std::erase_if(s.runs, [&](const auto& e) { return e.second.locked_until <= now; });
  }

  login_throttle_options opts_;
  std::size_t per_shard_cap_;
  std::array<shard, shard_count> shards_;
};
static_assert(login_throttle<memory_login_throttle>);

// The throttle that never refuses: the explicit opt-out (a deployment that limits logins elsewhere).
struct no_login_throttle {
  // Always admits.
  result<void> admit(std::string_view, std::chrono::system_clock::time_point) noexcept { return core::ok(); }
  // Counts nothing.
  void failed(std::string_view, std::chrono::system_clock::time_point) noexcept {}
  // Counts nothing.
  void succeeded(std::string_view) noexcept {}
};
static_assert(login_throttle<no_login_throttle>);

}  // namespace tessera::credentials

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/credentials/impl/login_throttle.ipp"
#endif
