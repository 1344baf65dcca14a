// Tests for tessera/redis/rate_limiter.hpp: burst then refill (GCRA) on the callers' clock, a
// limit held across two instances (N admitted in total, not N each), one round trip per call,
// EVALSHA falling back to EVAL after SCRIPT FLUSH, keys that expire when idle so a flood of
// principals leaves memory bounded, concurrent callers, and failing closed.
#include "tessera/redis/rate_limiter.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "redis/redis_support.hpp"

using namespace redis_test;

namespace {
const std::chrono::system_clock::time_point t0{std::chrono::seconds(1'700'000'000)};
}

static_assert(authz::rate_limiter<redis::rate_limiter>);

TEST_CASE("burst at once, then one per interval, on the callers' clock", "[redis][rate_limit]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  auto pool = make_pool(srv.port, unique_prefix());
  redis::rate_limiter limit(*pool, 10, 3);  // 3 at once, then one per 100 ms
  CHECK(limit.acquire("alice", t0));
  CHECK(limit.acquire("alice", t0));
  CHECK(limit.acquire("alice", t0));
  CHECK(limit.acquire("alice", t0).error() == errc::rate_limited);
  CHECK(limit.acquire("bob", t0));  // principals are independent
  CHECK(limit.acquire("alice", t0 + 99ms).error() == errc::rate_limited);
  CHECK(limit.acquire("alice", t0 + 100ms));
  CHECK(limit.acquire("alice", t0 + 100ms).error() == errc::rate_limited);
  // A long pause refills the bucket to the burst, no further.
  CHECK(limit.acquire("alice", t0 + 10s));
  CHECK(limit.acquire("alice", t0 + 10s));
  CHECK(limit.acquire("alice", t0 + 10s));
  CHECK(limit.acquire("alice", t0 + 10s).error() == errc::rate_limited);
  CHECK(limit.retry_after_seconds() == 1);
}

TEST_CASE("a limit of N is N in total across two instances", "[redis][rate_limit]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool_a = make_pool(srv.port, prefix), pool_b = make_pool(srv.port, prefix);
  redis::rate_limiter a(*pool_a, 1, 5), b(*pool_b, 1, 5);
  int admitted = 0;
  for (int i = 0; i < 10; ++i) {
    if ((i % 2 ? a : b).acquire("partner-9", t0)) ++admitted;
  }
  CHECK(admitted == 5);
  // Limiters with other names on the same pool keep their own buckets.
  redis::rate_limiter other(*pool_a, 1, 5, "login");
  CHECK(other.acquire("partner-9", t0));
}

TEST_CASE("one round trip per acquire, and EVAL when the server lost the script", "[redis][rate_limit]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  auto pool = make_pool(srv.port, unique_prefix());
  redis::rate_limiter limit(*pool, 100, 100);
  REQUIRE(limit.acquire("k", t0));  // the server holds the script from here on
  auto before = pool->stats().round_trips;
  for (int i = 1; i <= 20; ++i) REQUIRE(limit.acquire("k", t0 + std::chrono::milliseconds(i)));
  CHECK(pool->stats().round_trips - before == 20);
  admin a(srv.port);
  REQUIRE(redis::is_ok(*a.run({"SCRIPT", "FLUSH"})));
  before = pool->stats().round_trips;
  CHECK(limit.acquire("k", t0 + 50ms));          // NOSCRIPT, then EVAL: two round trips
  CHECK(pool->stats().round_trips - before == 2);
  CHECK(limit.acquire("k", t0 + 60ms));          // cached again: one
  CHECK(pool->stats().round_trips - before == 3);
}

TEST_CASE("principal names are hashed and every bucket has a time-to-live", "[redis][rate_limit]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool = make_pool(srv.port, prefix);
  redis::rate_limiter limit(*pool, 2, 10);
  REQUIRE(limit.acquire("client:ACME-secretive-name", t0));
  admin a(srv.port);
  auto keys = a.keys(prefix);
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].rfind(prefix + "rl:default:", 0) == 0);
  CHECK(keys[0].find("ACME") == std::string::npos);
  const auto pttl = a.integer({"PTTL", keys[0]});
  CHECK(pttl > 0);
  CHECK(pttl <= 500);  // one request's worth: 1 / (2 per second)
}

TEST_CASE("a flood of distinct principals leaves memory bounded: idle buckets expire", "[redis][rate_limit][faults]") {
  private_server srv;  // its own server, so that DBSIZE counts only this test's keys
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  auto pool = make_pool(srv.port(), unique_prefix(), 2000ms);
  redis::rate_limiter limit(*pool, 1, 2);  // one request leaves a bucket that is full again after 1 s
  admin a(srv.port());
  constexpr int principals = 20'000;
  const auto start = steady::now();
  const auto now = std::chrono::system_clock::now();
  for (int i = 0; i < principals; ++i) REQUIRE(limit.acquire("p" + std::to_string(i), now));
  const auto flood_ms = ms_since(start);
  const auto flood_end = steady::now();
  const long long after_flood = a.integer({"DBSIZE"});
  // Every key carries a time-to-live of at most a second (checked on the keys of one SCAN page)...
  auto page = a.run({"SCAN", "0", "COUNT", "500"});
  REQUIRE(page->type == REDIS_REPLY_ARRAY);
  int without_ttl = 0, too_long = 0;
  for (std::size_t i = 0; i < page->element[1]->elements; ++i) {
    const auto pttl = a.integer({"PTTL", std::string(page->element[1]->element[i]->str, page->element[1]->element[i]->len)});
    if (pttl == -1) ++without_ttl;
    if (pttl > 1000) ++too_long;
  }
  CHECK(without_ttl == 0);
  CHECK(too_long == 0);
  // ...and Redis reclaims them: DBSIZE falls to (nearly) nothing.
  long long size = a.integer({"DBSIZE"});
  while (size > 100 && ms_since(flood_end) < 10'000) {
    std::this_thread::sleep_for(50ms);
    size = a.integer({"DBSIZE"});
  }
  INFO("20,000 acquires took " << flood_ms << " ms; DBSIZE was " << after_flood << " right after, " << size
                                << " after " << ms_since(flood_end) << " ms");
  CHECK(size <= 100);
}

TEST_CASE("concurrent callers on two instances admit exactly the burst", "[redis][rate_limit][concurrency]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool_a = make_pool(srv.port, prefix, 2000ms), pool_b = make_pool(srv.port, prefix, 2000ms);
  redis::rate_limiter a(*pool_a, 0.001, 25), b(*pool_b, 0.001, 25);
  std::atomic<int> admitted{0}, limited{0}, failed{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 6; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto r = (t % 2 ? a : b).acquire("shared", t0);
        if (r) ++admitted;
        else if (r.error() == errc::rate_limited) ++limited;
        else ++failed;
      }
    });
  }
  for (auto& t : ts) t.join();
  CHECK(admitted == 25);
  CHECK(limited == 95);
  CHECK(failed == 0);
}

TEST_CASE("Redis gone: acquire fails closed, nothing admitted", "[redis][rate_limit][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  auto pool = make_pool(srv.port(), unique_prefix());
  redis::rate_limiter limit(*pool, 100, 100);
  REQUIRE(limit.acquire("k", t0));
  srv.kill_hard();
  for (int i = 0; i < 5; ++i) CHECK(limit.acquire("k", t0).error() == errc::store_unavailable);
}
