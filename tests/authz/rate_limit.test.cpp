// Tests for tessera/authz/rate_limit.hpp.
#include "tessera/authz/rate_limit.hpp"

#include <atomic>
#include <limits>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "tessera/core/clock.hpp"

using namespace tessera;
using namespace std::chrono_literals;

TEST_CASE("token buckets admit a burst, then refill", "[authz][rate]") {
  authz::token_bucket_limiter l(2.0, 3.0);
  auto t = std::chrono::system_clock::time_point(1'700'000'000s);
  CHECK(l.acquire("user-a", t));
  CHECK(l.acquire("user-a", t));
  CHECK(l.acquire("user-a", t));
  CHECK(l.acquire("user-a", t).error() == errc::rate_limited);
  CHECK(l.acquire("user-b", t));  // principals are independent
  CHECK(l.acquire("user-a", t + 500ms));  // one token back after 0.5 s at 2/s
  CHECK(l.acquire("user-a", t + 500ms).error() == errc::rate_limited);
  CHECK(core::http_status(errc::rate_limited) == 429);
  CHECK(l.retry_after_seconds() == 1);
}

TEST_CASE("tracked principals are bounded", "[authz][rate]") {
  authz::token_bucket_limiter l(1.0, 1.0, 16);
  auto t = std::chrono::system_clock::time_point(1'700'000'000s);
  int refused = 0;
  for (int i = 0; i < 200; ++i) refused += l.acquire("k" + std::to_string(i), t) ? 0 : 1;
  CHECK(refused > 0);  // fails closed when full of busy principals
  // Once buckets refill, idle principals are dropped and new ones are admitted.
  CHECK(l.acquire("fresh", t + 10s));
}

TEST_CASE("the limiter admits exactly the burst across threads", "[authz][rate][concurrency]") {
  authz::token_bucket_limiter l(0.0, 100.0);
  auto t = std::chrono::system_clock::time_point(1'700'000'000s);
  std::atomic<int> admitted{0};
  std::vector<std::thread> th;
  for (int i = 0; i < 4; ++i)
    th.emplace_back([&] {
      for (int j = 0; j < 100; ++j) admitted += l.acquire("shared", t) ? 1 : 0;
    });
  for (auto& x : th) x.join();
  CHECK(admitted == 100);
}

TEST_CASE("extreme rates and bursts neither overflow nor lift the limit", "[authz][rate]") {
  auto t = std::chrono::system_clock::time_point(1'700'000'000s);
  // One request per 10^300 seconds: Retry-After is bounded, not an overflowed int.
  authz::token_bucket_limiter slow(1e-300, 1.0);
  CHECK(slow.retry_after_seconds() == core::max_duration.count());
  CHECK(slow.acquire("a", t));
  CHECK(slow.acquire("a", t + 1h).error() == errc::rate_limited);
  // A rate or burst that is not a number, or negative, counts as 0: the limiter fails closed.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  authz::token_bucket_limiter no_rate(nan, 2.0);
  CHECK(no_rate.acquire("a", t));
  CHECK(no_rate.acquire("a", t + 1s));
  CHECK(no_rate.acquire("a", t + 2s).error() == errc::rate_limited);
  for (double burst : {nan, -1.0, 0.0}) {
    authz::token_bucket_limiter no_burst(1.0, burst);
    CHECK(no_burst.acquire("a", t).error() == errc::rate_limited);
    CHECK(no_burst.acquire("a", t + 10s).error() == errc::rate_limited);
  }
  authz::token_bucket_limiter negative(-1.0, 1.0);
  CHECK(negative.acquire("a", t));
  CHECK(negative.acquire("a", t + 10s).error() == errc::rate_limited);
}
