#pragma once
// redis::rate_limiter — authz::rate_limiter on Redis: one limit per principal, held across every
// instance sharing the server (N per window admits N in total, not N per instance).
//
// The algorithm is GCRA, the token bucket's exact equivalent with one number of state: the
// "theoretical arrival time" (TAT) of the next request. With interval T = 1 / per_second and
// tolerance τ = (burst - 1) × T, a request at `now` is admitted when max(TAT, now) - now <= τ,
// and then TAT = max(TAT, now) + T. So `burst` requests pass at once, then one per T. The
// check and the update run in one Lua script (atomic on the server), sent as EVALSHA with a
// fallback to EVAL on NOSCRIPT: one round trip per acquire().
//
// Keys (<prefix>rl:<name>:<base64url(SHA-256(principal))>) expire (PX) when their TAT is
// reached: an idle principal's bucket is full again and needs no state, so memory stays
// bounded by the principals active within the last burst / per_second seconds.
//
// Times are the callers' `now` in microseconds (instances should run NTP; a clock skew of d
// between instances lets about d × per_second extra requests through at most).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/authz/rate_limit.hpp"
#include "tessera/core/result.hpp"
#include "tessera/redis/connection.hpp"
#include "tessera/redis/detail/keys.hpp"
#include "tessera/redis/detail/script.hpp"

namespace tessera::redis {

// Per-principal rate limits shared by every instance using the same Redis server and key prefix.
class rate_limiter {
 public:
  // `burst` requests at once, refilled at `per_second`. Limiters with different limits on one
  // pool need different names (their keys live under <prefix>rl:<name>:).
  rate_limiter(connection_pool& pool, double per_second, double burst, std::string name = "default")
      : pool_(&pool), per_second_(per_second) {
    const double rate = std::isfinite(per_second) && per_second > 1e-9 ? per_second : 1e-9;
    interval_us_ = std::max<std::int64_t>(1, std::llround(std::min(1e6 / rate, 1e15)));
    const double tol = (std::isfinite(burst) ? burst - 1.0 : 0.0) * static_cast<double>(interval_us_);
    tolerance_us_ = std::llround(std::clamp(tol, -1.0, 1e15));
    interval_text_ = std::to_string(interval_us_);
    tolerance_text_ = std::to_string(tolerance_us_);
    prefix_ = detail::plain_key(pool.prefix(), "rl:", name);
    prefix_.push_back(':');
  }

  // Admits one request of `key` (ok), or refuses it (rate_limited); store_unavailable when
  // Redis cannot answer (the caller refuses). One round trip.
  result<void> acquire(std::string_view key, std::chrono::system_clock::time_point now) noexcept {
    static const detail::script gcra(R"lua(
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1]) or now
if tat < now then tat = now end
if tat - now > tolerance then return 0 end
local next_tat = tat + interval
local ttl_ms = math.max(1, math.ceil((next_tat - now) / 1000))
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', string.format('%d', ttl_ms))
return 1
)lua");
    auto k = detail::hashed_key(prefix_, "", key);
    if (!k) return unexpected{errc::store_unavailable};
    try {
      const auto now_us = std::to_string(
          std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
      return pool_->with_connection([&](lease& l) -> result<void> {
        auto r = detail::run(l, gcra, {*k}, {now_us, interval_text_, tolerance_text_});
        if (!r) return unexpected{r.error()};
        if ((*r)->type != REDIS_REPLY_INTEGER) return unexpected{errc::store_unavailable};
        if ((*r)->integer == 1) return core::ok();
        return unexpected{errc::rate_limited};
      });
    } catch (...) {
      return unexpected{errc::store_unavailable};
    }
  }

  // Whole seconds until one more request of a principal at its limit would be admitted (for
  // Retry-After).
  int retry_after_seconds() const noexcept {
    return per_second_ > 0 ? std::max(1, static_cast<int>(1.0 / per_second_ + 0.999)) : 1;
  }

 private:
  connection_pool* pool_;
  double per_second_;
  std::int64_t interval_us_ = 1;
  std::int64_t tolerance_us_ = 0;
  std::string interval_text_, tolerance_text_, prefix_;
};
static_assert(authz::rate_limiter<rate_limiter>);

}  // namespace tessera::redis
