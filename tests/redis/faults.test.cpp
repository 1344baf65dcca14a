// Fault tests across every tessera::redis store at once, each on a private redis-server the test
// kills, stops and restarts: Redis killed mid-traffic (every call fails closed, nothing is
// admitted), restarted on the same port (the same pools reconnect), and stopped (SIGSTOP: every
// call returns store_unavailable within twice the command timeout).
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "redis/redis_support.hpp"
#include "tessera/api_key/generator.hpp"
#include "tessera/api_key/verifier.hpp"
#include "tessera/credentials/client_secret.hpp"

using namespace redis_test;

namespace {
const auto wall = [] { return std::chrono::system_clock::now(); };

// Every store on one pool (one instance), and what it needs to be exercised.
struct all_stores {
  std::unique_ptr<redis::connection_pool> pool;
  redis::replay_store replay;
  redis::revocation_list revoked;
  redis::rate_limiter limiter;
  redis::key_store keys;
  redis::client_registry clients;
  api_key::pepper_ring ring = [] {
    std::array<std::uint8_t, 32> p{};
    p.fill(0x5a);
    return api_key::pepper_ring::create(1, p).value();
  }();
  api_key::generator<> gen = api_key::generator<>::create({}, ring).value();
  api_key::verifier<redis::key_store> ver = api_key::verifier<redis::key_store>::create({}, ring, keys).value();
  std::string api_key_text, client_id;

  explicit all_stores(int port, std::chrono::milliseconds timeout)
      : pool(make_pool(port, unique_prefix(), timeout)),
        replay(*pool),
        revoked(*pool),
        limiter(*pool, 1e6, 1e6),
        keys(*pool),
        clients(*pool) {}

  // Registers an API key and a client (again, after a restart emptied Redis).
  bool seed() {
    api_key::key_spec s;
    s.tenant = "org-f";
    auto k = gen.issue(keys, s);
    if (!k) return false;
    api_key_text.assign(k->key.expose_secret_text());
    credentials::client_spec c;
    c.tenant = "org-f";
    auto cl = credentials::register_client(clients, c, credentials::sys_seconds{},
                                           credentials::hash_policy::scrypt_with(1 << 10, 8, 1));
    if (!cl) return false;
    client_id = cl->record.client_id;
    return true;
  }

  // One call of each store; each outcome is ok, a refusal (fail closed) or store_unavailable.
  struct outcome {
    int admitted = 0, unavailable = 0, other = 0;
  };
  outcome one_of_each(int n) {
    outcome o;
    auto count = [&](bool ok, errc e) {
      if (ok) ++o.admitted;
      else if (e == errc::store_unavailable) ++o.unavailable;
      else ++o.other;
    };
    auto r1 = replay.remember("delivery-" + std::to_string(n), wall(), 60s);
    count(r1 && *r1, r1 ? errc::duplicate_delivery : r1.error());
    const std::string jti = "jti-" + std::to_string(n);
    jwt::token_facts f{.jwt_id = jti, .subject = "p", .principal = "p", .kid = "k1",
                       .issued_at = 1, .expires_at = std::nullopt};
    auto r2 = revoked.check(f);
    count(bool(r2), r2 ? errc::none_ : r2.error());
    auto r3 = limiter.acquire("p", wall());
    count(bool(r3), r3 ? errc::none_ : r3.error());
    auto r4 = ver.verify(api_key_text, "org-f");
    count(bool(r4), r4 ? errc::none_ : r4.error());
    auto r5 = clients.find(client_id);
    count(r5 && (*r5)->active, r5 ? errc::none_ : r5.error());
    return o;
  }
};
}  // namespace

TEST_CASE("Redis killed mid-traffic: every call fails closed; restarted: the same pools recover", "[redis][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  all_stores s(srv.port(), 200ms);
  REQUIRE(s.seed());
  REQUIRE(s.one_of_each(0).admitted == 5);

  // Traffic from three threads while the server is killed.
  std::atomic<bool> stop{false}, killed{false};
  std::atomic<int> admitted_after_kill{0}, unavailable_after_kill{0}, other_after_kill{0}, calls{0};
  std::vector<std::thread> traffic;
  for (int t = 0; t < 3; ++t) {
    traffic.emplace_back([&, t] {
      all_stores mine(srv.port(), 200ms);  // each thread an instance of its own, as on other hosts
      mine.api_key_text = s.api_key_text;
      mine.client_id = s.client_id;
      for (int i = 0; !stop.load(); ++i) {
        const bool after = killed.load();  // the kill had completed before this call started
        auto o = mine.one_of_each(t * 1'000'000 + i);
        ++calls;
        if (after) {
          admitted_after_kill += o.admitted;
          unavailable_after_kill += o.unavailable;
          other_after_kill += o.other;
        }
      }
    });
  }
  std::this_thread::sleep_for(150ms);
  srv.kill_hard();
  killed = true;
  std::this_thread::sleep_for(300ms);
  stop = true;
  for (auto& t : traffic) t.join();
  INFO(calls.load() << " rounds of calls; after the kill: " << admitted_after_kill.load() << " admitted, "
                    << unavailable_after_kill.load() << " store_unavailable, " << other_after_kill.load() << " other");
  CHECK(admitted_after_kill == 0);
  CHECK(other_after_kill == 0);
  CHECK(unavailable_after_kill > 0);
  auto down = s.one_of_each(1);
  CHECK(down.admitted == 0);
  CHECK(down.unavailable == 5);

  // Restart on the same port: the pool reconnects by itself. Redis kept nothing (no persistence
  // in tests), so the records are registered again; the pool object is the same.
  const auto connects_before = s.pool->stats().connects;
  REQUIRE(srv.restart());
  const auto t = steady::now();
  bool seeded = false;
  while (!(seeded = s.seed()) && ms_since(t) < 2000) std::this_thread::sleep_for(10ms);
  REQUIRE(seeded);
  INFO("the pool was writing again " << ms_since(t) << " ms after the restart");
  CHECK(ms_since(t) < 1000);
  CHECK(s.one_of_each(2).admitted == 5);
  CHECK(s.pool->stats().connects > connects_before);
}

TEST_CASE("Redis stopped (SIGSTOP): every store answers store_unavailable within twice the timeout", "[redis][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  constexpr auto timeout = 200ms;
  all_stores s(srv.port(), timeout);
  REQUIRE(s.seed());
  REQUIRE(s.one_of_each(0).admitted == 5);
  srv.pause();
  long long worst = 0;
  auto timed = [&](auto&& call) {
    const auto t = steady::now();
    const bool unavailable = call();
    worst = std::max(worst, ms_since(t));
    return unavailable;
  };
  CHECK(timed([&] { return s.replay.remember("d-stop", wall(), 60s).error() == errc::store_unavailable; }));
  CHECK(timed([&] {
    return s.revoked.check({.jwt_id = "j", .subject = "p", .principal = "p", .kid = "k", .issued_at = 1,
                            .expires_at = std::nullopt})
               .error() == errc::store_unavailable;
  }));
  CHECK(timed([&] { return s.limiter.acquire("p", wall()).error() == errc::store_unavailable; }));
  CHECK(timed([&] { return s.ver.verify(s.api_key_text, "org-f").error() == errc::store_unavailable; }));
  CHECK(timed([&] { return s.clients.find(s.client_id).error() == errc::store_unavailable; }));
  // A timed-out write may still be applied once the server runs again: another principal.
  CHECK(timed([&] { return s.revoked.deactivate("q").error() == errc::store_unavailable; }));
  INFO("slowest refusal: " << worst << " ms (timeout 200 ms)");
  CHECK(worst < 2 * timeout.count());
  srv.resume();
  // The server comes back; the records are still there (the process was only paused).
  const auto t = steady::now();
  while (s.one_of_each(3).admitted != 5 && ms_since(t) < 2000) std::this_thread::sleep_for(10ms);
  CHECK(s.one_of_each(4).admitted == 5);
}
