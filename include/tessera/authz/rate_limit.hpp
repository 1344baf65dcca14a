#pragma once
// Per-principal rate limits (429): the rate_limiter concept and a sharded token-bucket model.

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <concepts>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tessera/core/string_hash.hpp"
#include "tessera/config.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/result.hpp"

namespace tessera::authz {

// Admits or refuses one request of a principal.
// Rules: acquire() is noexcept and thread-safe; it returns rate_limited (429) when the principal
// is over its limit and store_unavailable when it cannot tell (callers refuse); principals are
// independent of one another.
template <class L>
concept rate_limiter = requires(L& l, std::string_view key, std::chrono::system_clock::time_point now) {
  { l.acquire(key, now) } noexcept -> std::same_as<result<void>>;
};

// Token buckets per principal: `burst` requests at once, refilled at `per_second`. 16 locked
// shards; at most `max_keys` principals are tracked, the idle (full-bucket) ones dropped first.
// A rate or burst that is negative, infinite or not a number counts as 0 (no refill, or
// nothing admitted): a misconfigured limiter fails closed.
class token_bucket_limiter {
 public:
  token_bucket_limiter(double per_second, double burst, std::size_t max_keys = 100'000)
      : rate_(sane(per_second)), burst_(sane(burst)), per_shard_(max_keys / shards + 1) {}
  token_bucket_limiter(const token_bucket_limiter&) = delete;
  token_bucket_limiter& operator=(const token_bucket_limiter&) = delete;

  result<void> acquire(std::string_view key, std::chrono::system_clock::time_point now) noexcept;

  // Whole seconds until one more request of this principal would be admitted (for Retry-After),
  // at most core::max_duration.
  int retry_after_seconds() const noexcept {
    constexpr auto most = static_cast<double>(core::max_duration.count());
    return rate_ > 0 ? static_cast<int>(std::clamp(1.0 / rate_ + 0.999, 1.0, most)) : 1;
  }

 private:
  struct bucket {
    double tokens;
    std::chrono::system_clock::time_point last;
  };
  using hash = core::string_hash;
  struct alignas(config::shard_alignment) shard {  // one per cache line pair: no false sharing
    std::mutex mu;
    std::unordered_map<std::string, bucket, hash, std::equal_to<>> buckets;
  };
  static constexpr std::size_t shards = 16;
  static double sane(double x) noexcept { return std::isfinite(x) && x > 0 ? x : 0.0; }
  void drop_idle(shard& s, std::chrono::system_clock::time_point now);
  double rate_, burst_;
  std::size_t per_shard_;
  std::array<shard, shards> shards_;
};
static_assert(rate_limiter<token_bucket_limiter>);

}  // namespace tessera::authz

#if !defined(TESSERA_SEPARATE_COMPILATION)
#include "tessera/authz/impl/rate_limit.ipp"
#endif
