// Tests for tessera/webhook/retry.hpp: exponential backoff with full jitter.
#include "tessera/webhook/retry.hpp"

#include <chrono>
#include <cstdint>
#include <set>

#include "support/catch.hpp"
#include "tessera/core/clock.hpp"

using namespace tessera;
using namespace std::chrono_literals;

namespace {
// Deterministic jitter: always the top (or the bottom) of the range.
struct top_jitter {
  std::uint64_t uniform(std::uint64_t n) const noexcept { return n; }
};
struct bottom_jitter {
  std::uint64_t uniform(std::uint64_t) const noexcept { return 0; }
};
static_assert(webhook::jitter_source<top_jitter>);

webhook::retry_policy small_policy() {
  webhook::retry_policy p;
  p.base_delay = 1s;
  p.max_delay = 10s;
  p.max_attempts = 6;
  return p;
}
}  // namespace

TEST_CASE("ceilings double from the base delay up to the cap", "[webhook][retry]") {
  webhook::retry_schedule<top_jitter> s(small_policy());
  CHECK(s.ceiling(1) == 1s);
  CHECK(s.ceiling(2) == 2s);
  CHECK(s.ceiling(3) == 4s);
  CHECK(s.ceiling(4) == 8s);
  CHECK(s.ceiling(5) == 10s);
  CHECK(s.ceiling(200) == 10s);
  CHECK(*s.delay_after(1) == 1s);
  CHECK(*s.delay_after(5) == 10s);
  CHECK_FALSE(s.delay_after(6));  // the last attempt failed: no retry
  webhook::retry_schedule<bottom_jitter> b(small_policy());
  CHECK(*b.delay_after(4) == 0s);
}

TEST_CASE("full jitter spreads delays over [0, ceiling]", "[webhook][retry]") {
  webhook::retry_schedule<> s(small_policy());
  std::set<std::int64_t> seen;
  for (int i = 0; i < 200; ++i) {
    auto d = s.delay_after(4);
    REQUIRE(d);
    CHECK(*d >= 0ms);
    CHECK(*d <= 8s);
    seen.insert(d->count());
  }
  CHECK(seen.size() > 100);
  webhook::random_jitter j;
  CHECK(j.uniform(0) == 0);
  for (int i = 0; i < 100; ++i) CHECK(j.uniform(3) <= 3);
  (void)j.uniform(UINT64_MAX);
}

TEST_CASE("records classify each attempt and schedule the next", "[webhook][retry]") {
  webhook::retry_schedule<top_jitter> s(small_policy());
  const auto now = std::chrono::system_clock::time_point{} + std::chrono::seconds{1'700'000'000};

  auto ok = s.record("evt_1", 1, 204, now);
  CHECK(ok.outcome == webhook::delivery_outcome::delivered);
  CHECK_FALSE(ok.next_attempt_at);

  auto gone = s.record("evt_1", 1, 410, now);
  CHECK(gone.outcome == webhook::delivery_outcome::endpoint_gone);
  CHECK_FALSE(gone.next_attempt_at);

  auto failed = s.record("evt_1", 3, 500, now);
  CHECK(failed.outcome == webhook::delivery_outcome::retry_scheduled);
  REQUIRE(failed.next_attempt_at);
  CHECK(*failed.next_attempt_at - now == 4s);
  CHECK(failed.attempt == 3);
  CHECK(failed.event_id == "evt_1");

  auto timeout = s.record("evt_1", 2, 0, now);
  CHECK(timeout.outcome == webhook::delivery_outcome::retry_scheduled);

  auto redirect = s.record("evt_1", 2, 301, now);
  CHECK(redirect.outcome == webhook::delivery_outcome::retry_scheduled);

  auto last = s.record("evt_1", 6, 503, now);
  CHECK(last.outcome == webhook::delivery_outcome::gave_up);
  CHECK_FALSE(last.next_attempt_at);
}

TEST_CASE("Retry-After is a lower bound, still capped", "[webhook][retry]") {
  webhook::retry_schedule<bottom_jitter> s(small_policy());
  const auto now = std::chrono::system_clock::time_point{} + std::chrono::seconds{1'700'000'000};
  auto r = s.record("evt_1", 1, 429, now, 7s);
  REQUIRE(r.next_attempt_at);
  CHECK(*r.next_attempt_at - now == 7s);
  auto capped = s.record("evt_1", 1, 503, now, std::chrono::seconds{INT64_MAX / 2});
  REQUIRE(capped.next_attempt_at);
  CHECK(*capped.next_attempt_at - now == 10s);
}

TEST_CASE("nonsensical policies are made safe", "[webhook][retry]") {
  webhook::retry_policy p;
  p.base_delay = -5s;
  p.max_delay = -1s;
  p.max_attempts = 0;
  webhook::retry_schedule<top_jitter> s(p);
  CHECK(s.policy().max_attempts == 1);
  CHECK(s.ceiling(3) == 0s);
  CHECK_FALSE(s.delay_after(1));
}

TEST_CASE("extreme delays are bounded where they are configured", "[webhook][retry]") {
  webhook::retry_policy p;
  p.base_delay = std::chrono::milliseconds::max();
  p.max_delay = std::chrono::milliseconds::max();
  p.max_attempts = 3;
  webhook::retry_schedule<top_jitter> s(p);
  const auto longest = std::chrono::duration_cast<std::chrono::milliseconds>(core::max_duration);
  CHECK(s.policy().base_delay == longest);
  CHECK(s.policy().max_delay == longest);
  CHECK(*s.delay_after(1) == longest);
  // The next attempt's time is computed in nanoseconds without overflow (UBSan checks this).
  const std::chrono::system_clock::time_point now{std::chrono::seconds(1'700'000'000)};
  auto r = s.record("evt_1", 1, 503, now);
  REQUIRE(r.next_attempt_at);
  CHECK(*r.next_attempt_at > now);
  p.base_delay = std::chrono::milliseconds::min();
  p.max_delay = std::chrono::milliseconds::min();
  webhook::retry_schedule<top_jitter> low(p);
  CHECK(low.policy().base_delay == 0ms);
  CHECK(low.policy().max_delay == 0ms);
}
