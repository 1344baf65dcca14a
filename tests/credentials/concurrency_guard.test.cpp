// Tests for tessera/credentials/concurrency_guard.hpp: bounded permits, bounded waiting.
#include "tessera/credentials/concurrency_guard.hpp"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "support/catch.hpp"

using namespace tessera;
using namespace std::chrono_literals;
using credentials::concurrency_guard;

TEST_CASE("permits are bounded and come back when released", "[credentials][concurrency_guard]") {
  concurrency_guard g(2);
  CHECK(g.capacity() == 2);
  auto a = g.try_acquire();
  auto b = g.try_acquire();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(g.in_use() == 2);
  CHECK(g.try_acquire().error() == errc::too_many_requests);
  CHECK(g.acquire_for(0ms).error() == errc::too_many_requests);
  a->release();
  a->release();  // idempotent
  CHECK(g.in_use() == 1);
  {
    auto c = g.try_acquire();
    REQUIRE(c);
    CHECK(g.in_use() == 2);
    concurrency_guard::permit moved = std::move(*c);
    CHECK(g.in_use() == 2);
  }
  CHECK(g.in_use() == 1);
  {
    auto d = g.try_acquire();
    REQUIRE(d);
    auto e = std::move(*d);
    e = std::move(*b);  // releases e's own slot, takes b's
    CHECK(g.in_use() == 1);
  }
  CHECK(g.in_use() == 0);
  CHECK(concurrency_guard(0).capacity() == 1);
  CHECK(credentials::default_concurrency() >= 1);
  CHECK(http_status(errc::too_many_requests) == 429);
}

TEST_CASE("a bounded number of callers may wait a bounded time", "[credentials][concurrency_guard]") {
  concurrency_guard g(1, 1);
  auto held = g.try_acquire();
  REQUIRE(held);
  // Nobody frees the slot: the wait runs out.
  CHECK(g.acquire_for(20ms).error() == errc::too_many_requests);
  CHECK(g.waiting() == 0);

  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto p = g.acquire_for(10s);
    got = p.has_value();
  });
  while (g.waiting() == 0) std::this_thread::yield();
  // The single waiting place is taken: a second caller is refused at once.
  const auto t = std::chrono::steady_clock::now();
  CHECK(g.acquire_for(10s).error() == errc::too_many_requests);
  CHECK(std::chrono::steady_clock::now() - t < 5s);
  held->release();
  waiter.join();
  CHECK(got.load());
  CHECK(g.in_use() == 0);
}

TEST_CASE("under contention no more than the capacity is ever held", "[credentials][concurrency_guard][concurrency]") {
  concurrency_guard g(3, 2);
  std::atomic<int> holding{0}, peak{0}, granted{0}, refused{0}, errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        auto p = (t % 2 == 0) ? g.try_acquire() : g.acquire_for(1ms);
        if (!p) {
          if (p.error() != errc::too_many_requests) errors.fetch_add(1);
          refused.fetch_add(1);
          continue;
        }
        granted.fetch_add(1);
        const int now = holding.fetch_add(1) + 1;
        int prev = peak.load();
        while (now > prev && !peak.compare_exchange_weak(prev, now)) {
        }
        std::this_thread::yield();
        holding.fetch_sub(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(errors.load() == 0);
  CHECK(peak.load() <= 3);
  CHECK(granted.load() + refused.load() == 6 * 300);
  CHECK(granted.load() > 0);
  CHECK(g.in_use() == 0);
  CHECK(g.waiting() == 0);
}
