// Tests for tessera/redis/replay_store.hpp: first use and replay, the time-to-live, one round
// trip per call, hashed key names, two instances sharing one server, exactly one winner among
// concurrent callers, and failing closed when Redis is gone.
#include "tessera/redis/replay_store.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "redis/redis_support.hpp"

using namespace redis_test;

namespace {
const auto now = std::chrono::system_clock::now();
}

TEST_CASE("remember: first use true, replay false, one round trip each", "[redis][replay]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  auto pool = make_pool(srv.port, unique_prefix());
  redis::replay_store store(*pool);
  const auto before = pool->stats().round_trips;
  CHECK(is_first(store.remember("msg_1", now, 60s)));
  CHECK(is_replay(store.remember("msg_1", now, 60s)));
  CHECK(is_first(store.remember("msg_2", now, 60s)));
  CHECK(pool->stats().round_trips - before == 3);
  // A ttl under a second remembers nothing.
  CHECK(is_first(store.remember("msg_3", now, 0s)));
  CHECK(is_first(store.remember("msg_3", now, 0s)));
}

TEST_CASE("keys are hashed and expire with their time-to-live", "[redis][replay]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool = make_pool(srv.port, prefix);
  redis::replay_store store(*pool);
  const std::string raw = "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=";  // a signature-like value
  REQUIRE(is_first(store.remember(raw, now, 1s)));
  admin a(srv.port);
  auto keys = a.keys(prefix);
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].rfind(prefix + "replay:", 0) == 0);
  CHECK(keys[0].size() == prefix.size() + 7 + 43);  // base64url(SHA-256)
  CHECK(keys[0].find("K5oZ") == std::string::npos);
  const auto pttl = a.integer({"PTTL", keys[0]});
  CHECK(pttl > 0);
  CHECK(pttl <= 1000);
  std::this_thread::sleep_for(1100ms);
  CHECK(is_first(store.remember(raw, now, 1s)));  // forgotten after its ttl
}

TEST_CASE("two instances share one server: a key accepted by one is a replay on the other", "[redis][replay]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool_a = make_pool(srv.port, prefix), pool_b = make_pool(srv.port, prefix);
  redis::replay_store a(*pool_a), b(*pool_b);
  CHECK(is_first(a.remember("delivery-42", now, 300s)));
  CHECK(is_replay(b.remember("delivery-42", now, 300s)));
  CHECK(is_first(b.remember("delivery-43", now, 300s)));
  CHECK(is_replay(a.remember("delivery-43", now, 300s)));
  // Another deployment prefix, or another store name, is another key space.
  auto pool_c = make_pool(srv.port, unique_prefix());
  redis::replay_store c(*pool_c), named(*pool_a, "webhooks:");
  CHECK(is_first(c.remember("delivery-42", now, 300s)));
  CHECK(is_first(named.remember("delivery-42", now, 300s)));
}

TEST_CASE("concurrent callers on two instances: exactly one first use per key", "[redis][replay][concurrency]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  const auto prefix = unique_prefix();
  auto pool_a = make_pool(srv.port, prefix, 2000ms), pool_b = make_pool(srv.port, prefix, 2000ms);
  redis::replay_store a(*pool_a), b(*pool_b);
  constexpr int threads = 6, keys = 200;
  std::atomic<int> firsts{0}, errors{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      auto& store = t % 2 ? a : b;
      for (int k = 0; k < keys; ++k) {
        auto r = store.remember("nonce-" + std::to_string(k), now, 60s);
        if (!r) ++errors;
        else if (*r) ++firsts;
      }
    });
  }
  for (auto& t : ts) t.join();
  CHECK(errors == 0);
  CHECK(firsts == keys);
}

TEST_CASE("Redis gone: remember fails closed with store_unavailable", "[redis][replay][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  auto pool = make_pool(srv.port(), unique_prefix());
  redis::replay_store store(*pool);
  REQUIRE(is_first(store.remember("k1", now, 60s)));
  srv.kill_hard();
  auto r = store.remember("k2", now, 60s);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::store_unavailable);
}
