// Tests for tessera/core/replay_store.hpp: the replay_store concept and memory_replay_store.
#include "tessera/core/replay_store.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "tessera/core/clock.hpp"

using namespace tessera;
using namespace std::chrono_literals;

namespace {
using time_point = std::chrono::system_clock::time_point;
const time_point t0 = time_point{} + std::chrono::seconds(1'700'000'000);

struct not_noexcept_store {
  result<bool> remember(std::string_view, time_point, std::chrono::seconds) { return true; }
};
}  // namespace

static_assert(core::replay_store<core::memory_replay_store>);
static_assert(!core::replay_store<not_noexcept_store>);
static_assert(!std::is_copy_constructible_v<core::memory_replay_store>);

TEST_CASE("a key is new once, then a replay until its time-to-live passes", "[core][replay_store]") {
  core::memory_replay_store store;
  CHECK(store.remember("delivery-1", t0, 300s).value() == true);
  CHECK(store.remember("delivery-1", t0, 300s).value() == false);
  CHECK(store.remember("delivery-1", t0 + 299s, 300s).value() == false);
  CHECK(store.remember("delivery-2", t0 + 1s, 300s).value() == true);  // other keys are independent
  CHECK(store.remember("delivery-1", t0 + 301s, 300s).value() == true);  // expired: new again
  CHECK(store.remember("delivery-1", t0 + 302s, 300s).value() == false);  // and remembered anew
  CHECK(store.remember("delivery-1", t0 + 600s, 300s).value() == false);
  CHECK(store.remember("delivery-1", t0 + 602s, 300s).value() == true);
  CHECK(store.size() == 2);
}

TEST_CASE("keys are compared exactly", "[core][replay_store]") {
  core::memory_replay_store store;
  CHECK(store.remember("", t0, 60s).value());  // the empty key is a key like any other
  CHECK_FALSE(store.remember("", t0, 60s).value());
  CHECK(store.remember("abc", t0, 60s).value());
  CHECK(store.remember("ABC", t0, 60s).value());
  CHECK(store.remember(std::string_view("abc\0", 4), t0, 60s).value());
  const std::string long_key(10000, 'k');
  CHECK(store.remember(long_key, t0, 60s).value());
  CHECK_FALSE(store.remember(long_key, t0, 60s).value());
}

TEST_CASE("a full store fails closed and never forgets live keys", "[core][replay_store]") {
  core::memory_replay_store store(16);  // 16 shards of 2 keys
  std::vector<std::string> kept;
  result<bool> r = true;
  int i = 0;
  for (; i < 1000; ++i) {
    std::string key = "nonce-" + std::to_string(i);
    r = store.remember(key, t0, 60s);
    if (!r) break;
    CHECK(*r);
    kept.push_back(key);
  }
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::store_unavailable);
  CHECK(kept.size() <= 32);
  CHECK(store.size() == kept.size());
  // Every key remembered before the store filled up is still a replay.
  for (const auto& k : kept) CHECK(store.remember(k, t0 + 30s, 60s).value() == false);
  // The refused key was not remembered: once there is room it is new.
  const std::string refused = "nonce-" + std::to_string(i);
  CHECK(store.remember(refused, t0 + 10s, 60s).error() == errc::store_unavailable);

  // Which shard a key lands in depends on the store's random hash key, so what fits after the
  // expiry is checked with keys whose shards are known to have room: the refused key alone (its
  // shard holds only expired keys), or exactly the keys that fitted before.
  SECTION("room comes back once the remembered keys expire: the refused key is new") {
    auto again = store.remember(refused, t0 + 61s, 60s);
    REQUIRE(again);
    CHECK(*again == true);
  }
  SECTION("room comes back once the remembered keys expire: every key held before is new again") {
    for (const auto& k : kept) {
      auto fresh = store.remember(k, t0 + 61s, 60s);
      REQUIRE(fresh);
      CHECK(*fresh);
    }
    CHECK(store.size() == kept.size());
  }
}

TEST_CASE("a tiny store still holds keys", "[core][replay_store]") {
  core::memory_replay_store store(0);
  auto r = store.remember("only", t0, 60s);
  REQUIRE(r);
  CHECK(*r);
  CHECK_FALSE(store.remember("only", t0, 60s).value());
}

TEST_CASE("concurrent remembers of overlapping keys have exactly one winner each",
          "[core][replay_store][concurrency]") {
  core::memory_replay_store store;
  constexpr int threads = 8, keys = 2000;
  std::vector<std::atomic<int>> winners(keys);
  std::atomic<int> errors{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int n = 0; n < keys; ++n) {
        const int k = (n * 7 + t * 251) % keys;  // every thread walks all keys, in its own order
        auto r = store.remember("key-" + std::to_string(k), t0, 300s);
        if (!r) ++errors;
        else if (*r) ++winners[static_cast<std::size_t>(k)];
      }
    });
  }
  go = true;
  for (auto& th : pool) th.join();
  CHECK(errors.load() == 0);
  int wrong = 0;
  for (auto& w : winners) wrong += w.load() == 1 ? 0 : 1;
  CHECK(wrong == 0);
  CHECK(store.size() == keys);
}

TEST_CASE("extreme time-to-lives are clamped between 0 and core::max_duration, without overflow", "[core][replay_store]") {
  core::memory_replay_store store;
  CHECK(store.remember("forever", t0, std::chrono::seconds::max()).value() == true);
  CHECK(store.remember("forever", t0 + core::max_duration - 1s, 1s).value() == false);
  CHECK(store.remember("forever", t0 + core::max_duration, 1s).value() == true);
  CHECK(store.remember("never", t0, std::chrono::seconds::min()).value() == true);
  CHECK(store.remember("never", t0, 1s).value() == true);  // a negative time-to-live counts as 0
  CHECK(store.remember("never", t0, 1s).value() == false);
}
