// Tests for tessera/redis/api_key_store.hpp, through the real generator and verifier on two
// instances sharing one server: a key issued on one verifies on the other and, once revoked on
// one, is refused by the other on its next call; one round trip per verification; records read
// back field for field; duplicates refused; re-peppering moves a key; last-used times written
// with a later lookup; list and erase; compare-and-set under concurrent revocations; failing closed.
#include "tessera/redis/api_key_store.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "redis/redis_support.hpp"
#include "tessera/api_key/generator.hpp"
#include "tessera/api_key/verifier.hpp"
#include "tessera/core/clock.hpp"

using namespace redis_test;

namespace {
constexpr std::int64_t start = 1'700'000'000;

api_key::pepper_ring ring_of(std::initializer_list<std::pair<std::uint32_t, std::uint8_t>> peppers,
                             std::optional<std::uint32_t> current = std::nullopt) {
  api_key::pepper_ring r;
  for (auto [v, fill] : peppers) {
    std::array<std::uint8_t, 32> p{};
    p.fill(fill);
    REQUIRE(r.add(v, p));
  }
  if (current) REQUIRE(r.set_current(*current));
  return r;
}

// A key spec with only a tenant.
api_key::key_spec spec_for(std::string tenant) {
  api_key::key_spec s;
  s.tenant = std::move(tenant);
  return s;
}

// Store options that write last-used times this often.
redis::key_store_options flush_every(std::chrono::milliseconds interval) {
  redis::key_store_options o;
  o.usage_flush_interval = interval;
  return o;
}

using verifier_t = api_key::verifier<redis::key_store, core::manual_clock&>;

// One instance: its own pool, store and verifier.
struct instance {
  std::unique_ptr<redis::connection_pool> pool;
  redis::key_store store;
  verifier_t ver;
  instance(int port, const std::string& prefix, const api_key::pepper_ring& ring, core::manual_clock& clock,
           redis::key_store_options o = {}, std::chrono::milliseconds timeout = 200ms)
      : pool(make_pool(port, prefix, timeout)), store(*pool, o), ver(*verifier_t::create({}, ring, store, {}, clock)) {}
};

// Two instances sharing a server and prefix, and a generator.
struct fleet {
  core::manual_clock clock{start};
  api_key::pepper_ring ring = ring_of({{1, 0x11}});
  api_key::generator<core::manual_clock&> gen = *api_key::generator<core::manual_clock&>::create({}, ring, clock);
  std::string prefix = unique_prefix();
  instance a, b;
  explicit fleet(int port, redis::key_store_options o = {}, std::chrono::milliseconds timeout = 200ms)
      : a(port, prefix, ring, clock, o, timeout), b(port, prefix, ring, clock, o, timeout) {}

  api_key::issued_key issue(std::string tenant, std::string integration = "erp") {
    api_key::key_spec s;
    s.tenant = std::move(tenant);
    s.scopes = {"orders:read", "orders:write"};
    s.integration = std::move(integration);
    s.description = "ERP connector";
    s.lifetime = std::chrono::hours(24);
    auto k = gen.issue(a.store, s);
    REQUIRE(k);
    return std::move(*k);
  }
};

// Three threads verifying every key in turn on both instances until `done`; any answer other
// than success or api_key_revoked counts in `failures`.
std::vector<std::thread> verify_until_done(fleet& f, const std::vector<api_key::issued_key>& keys,
                                           std::atomic<bool>& done, std::atomic<int>& failures) {
  std::vector<std::thread> ts;
  for (int t = 0; t < 3; ++t) {
    ts.emplace_back([&, t] {
      auto& ver = t % 2 ? f.a.ver : f.b.ver;
      while (!done.load()) {
        for (const auto& k : keys) {
          auto r = ver.verify(k.key.expose_secret_text(), "org-c");
          if (!r && r.error() != errc::api_key_revoked) ++failures;
        }
      }
    });
  }
  return ts;
}
}  // namespace

static_assert(api_key::key_store<redis::key_store>);
static_assert(api_key::redigestable_key_store<redis::key_store>);

TEST_CASE("a key issued on one instance verifies on the other; revoked on one, refused by the other", "[redis][api_key]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port);
  auto k = f.issue("org-1");
  const auto text = k.key.expose_secret_text();
  auto v = f.b.ver.verify(text, "org-1");
  REQUIRE(v);
  CHECK(v->key_id() == k.record.key_id);
  CHECK(v->has_scope("orders:write"));
  CHECK(f.b.ver.verify(text, "org-2").error() == errc::wrong_tenant);
  REQUIRE(f.a.store.revoke(k.record.key_id, api_key::sys_seconds(std::chrono::seconds(start + 5))));
  CHECK(f.b.ver.verify(text, "org-1").error() == errc::api_key_revoked);
  CHECK(f.a.ver.verify(text, "org-1").error() == errc::api_key_revoked);
  // Idempotent: the first revocation time stays.
  REQUIRE(f.b.store.revoke(k.record.key_id, api_key::sys_seconds(std::chrono::seconds(start + 99))));
  auto rec = f.b.store.get(k.record.key_id);
  REQUIRE(rec);
  CHECK((*rec)->status == api_key::key_status::revoked);
  CHECK((*rec)->revoked_at == api_key::sys_seconds(std::chrono::seconds(start + 5)));
  CHECK(f.a.store.revoke("key_unknown", api_key::sys_seconds{}).error() == errc::api_key_unknown);
  CHECK(f.a.ver.verify(f.gen.generate(spec_for("org-1"))->key.expose_secret_text(), "org-1").error() ==
        errc::api_key_unknown);
}

TEST_CASE("one round trip per verification", "[redis][api_key]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port, flush_every(3600s));
  auto k = f.issue("org-1");
  REQUIRE(f.a.ver.verify(k.key.expose_secret_text(), "org-1"));
  const auto before = f.a.pool->stats().round_trips;
  for (int i = 0; i < 10; ++i) REQUIRE(f.a.ver.verify(k.key.expose_secret_text(), "org-1"));
  CHECK(f.a.pool->stats().round_trips - before == 10);
}

TEST_CASE("records read back field for field; duplicates are refused", "[redis][api_key]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port);
  auto k = f.issue("org-7", "billing");
  auto got = f.b.store.find(k.record.digest);
  REQUIRE(got);
  const auto& r = **got;
  CHECK(r.key_id == k.record.key_id);
  CHECK(r.tenant == "org-7");
  CHECK(r.scopes == k.record.scopes);
  CHECK(r.integration == "billing");
  CHECK(r.description == "ERP connector");
  CHECK(r.status == api_key::key_status::active);
  CHECK(r.created_at == k.record.created_at);
  CHECK(r.expires_at == k.record.expires_at);
  CHECK_FALSE(r.revoked_at);
  CHECK(r.digest == k.record.digest);
  // The same digest under another pepper version is another key.
  auto other_version = k.record.digest;
  other_version.pepper_version = 9;
  CHECK(f.b.store.find(other_version).error() == errc::api_key_unknown);
  // Same id, or same digest: refused. No id: refused.
  auto same_id = f.gen.generate(spec_for("org-7")).value().record;
  same_id.key_id = k.record.key_id;
  CHECK(f.a.store.insert(same_id).error() == errc::invalid_argument);
  auto same_digest = k.record;
  same_digest.key_id = "key_other";
  CHECK(f.b.store.insert(same_digest).error() == errc::invalid_argument);
  auto no_id = k.record;
  no_id.key_id.clear();
  CHECK(f.a.store.insert(no_id).error() == errc::invalid_argument);
  CHECK(f.a.store.get("key_missing").error() == errc::api_key_unknown);
}

TEST_CASE("a key under an old pepper verifies and moves to the current one", "[redis][api_key]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  core::manual_clock clock{start};
  const auto prefix = unique_prefix();
  auto old_ring = ring_of({{1, 0x11}});
  auto new_ring = ring_of({{1, 0x11}, {2, 0x22}}, 2);
  instance a(srv.port, prefix, old_ring, clock), b(srv.port, prefix, new_ring, clock);
  auto gen = *api_key::generator<core::manual_clock&>::create({}, old_ring, clock);
  auto k = gen.issue(a.store, spec_for("org-1"));
  REQUIRE(k);
  REQUIRE(b.ver.verify(k->key.expose_secret_text(), "org-1"));  // found under v1, moved to v2
  auto rec = b.store.get(k->record.key_id);
  REQUIRE(rec);
  CHECK((*rec)->digest.pepper_version == 2);
  CHECK(b.store.find(k->record.digest).error() == errc::api_key_unknown);  // the old digest is gone
  CHECK(b.ver.verify(k->key.expose_secret_text(), "org-1"));
  // A move from a digest the key no longer has does nothing.
  CHECK(b.store.replace_digest(k->record.key_id, k->record.digest, k->record.digest));
  CHECK(b.store.get(k->record.key_id).value()->digest.pepper_version == 2);
}

TEST_CASE("last-used times are written with a later lookup, or by flush_usage()", "[redis][api_key]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port, flush_every(0ms));
  auto k1 = f.issue("org-1"), k2 = f.issue("org-1");
  f.clock.set(start + 100);
  REQUIRE(f.a.ver.verify(k1.key.expose_secret_text(), "org-1"));  // noted, not yet written
  const auto before = f.a.pool->stats().round_trips;
  REQUIRE(f.a.ver.verify(k2.key.expose_secret_text(), "org-1"));  // writes k1's use in its round trip
  CHECK(f.a.pool->stats().round_trips - before == 1);
  auto r1 = f.b.store.get(k1.record.key_id);
  REQUIRE(r1);
  CHECK((*r1)->last_used.get() == api_key::sys_seconds(std::chrono::seconds(start + 100)));
  REQUIRE(f.a.store.flush_usage());
  auto r2 = f.b.store.get(k2.record.key_id);
  REQUIRE(r2);
  CHECK((*r2)->last_used.get() == api_key::sys_seconds(std::chrono::seconds(start + 100)));
  // Never moves back.
  f.a.store.note_use(**r2, api_key::sys_seconds(std::chrono::seconds(start + 50)));
  REQUIRE(f.a.store.flush_usage());
  CHECK(f.b.store.get(k2.record.key_id).value()->last_used.get() == api_key::sys_seconds(std::chrono::seconds(start + 100)));
}

TEST_CASE("list a tenant's keys; erase one", "[redis][api_key]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port);
  auto k1 = f.issue("org-list", "erp"), k2 = f.issue("org-list", "crm"), k3 = f.issue("org-elsewhere");
  auto all = f.b.store.list("org-list");
  REQUIRE(all);
  REQUIRE(all->size() == 2);
  CHECK(((*all)[0]->key_id < (*all)[1]->key_id));
  auto crm = f.b.store.list("org-list", "crm");
  REQUIRE(crm);
  REQUIRE(crm->size() == 1);
  CHECK((*crm)[0]->key_id == k2.record.key_id);
  REQUIRE(f.a.store.erase(k1.record.key_id));
  CHECK(f.b.ver.verify(k1.key.expose_secret_text(), "org-list").error() == errc::api_key_unknown);
  CHECK(f.b.store.get(k1.record.key_id).error() == errc::api_key_unknown);
  CHECK(f.b.store.list("org-list").value().size() == 1);
  CHECK(f.a.store.erase(k1.record.key_id).error() == errc::api_key_unknown);
  CHECK(f.b.ver.verify(k3.key.expose_secret_text(), "org-elsewhere"));
}

TEST_CASE("concurrent revocations and verifications on two instances", "[redis][api_key][concurrency]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port, {}, 2000ms);
  std::vector<api_key::issued_key> keys;
  for (int i = 0; i < 12; ++i) keys.push_back(f.issue("org-c"));
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, write_failures{0};
  auto ts = verify_until_done(f, keys, done, failures);
  // Two writers revoke the same even keys at once: compare-and-set keeps one revocation each.
  std::thread w1([&] {
    for (std::size_t i = 0; i < keys.size(); i += 2)
      if (!f.a.store.revoke(keys[i].record.key_id, api_key::sys_seconds(std::chrono::seconds(start + 1)))) ++write_failures;
  });
  std::thread w2([&] {
    for (std::size_t i = 0; i < keys.size(); i += 2)
      if (!f.b.store.revoke(keys[i].record.key_id, api_key::sys_seconds(std::chrono::seconds(start + 2)))) ++write_failures;
  });
  w1.join();
  w2.join();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto r = f.b.ver.verify(keys[i].key.expose_secret_text(), "org-c");
    if (i % 2 == 0) CHECK(r.error() == errc::api_key_revoked);
    else CHECK(r);
  }
  done = true;
  for (auto& t : ts) t.join();
  CHECK(failures == 0);
  CHECK(write_failures == 0);
}

TEST_CASE("Redis gone: lookups and writes fail closed", "[redis][api_key][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  fleet f(srv.port());
  auto k = f.issue("org-1");
  REQUIRE(f.b.ver.verify(k.key.expose_secret_text(), "org-1"));
  srv.kill_hard();
  CHECK(f.b.ver.verify(k.key.expose_secret_text(), "org-1").error() == errc::store_unavailable);
  CHECK(f.a.store.revoke(k.record.key_id, api_key::sys_seconds{}).error() == errc::store_unavailable);
  CHECK(f.a.store.get(k.record.key_id).error() == errc::store_unavailable);
  CHECK(f.a.store.insert(f.gen.generate(spec_for("org-1"))->record).error() == errc::store_unavailable);
}

namespace {
// Store options with a local cache (staleness bound `bound`) and last-used times kept back.
redis::key_store_options cached_within(std::chrono::milliseconds bound) {
  redis::key_store_options o = flush_every(3600s);
  o.cache.enabled = true;
  o.cache.max_staleness = bound;
  return o;
}

// Polls the verification every millisecond until its error is `want`; the time it took, or
// nullopt after `limit`.
std::optional<std::chrono::milliseconds> refused_within(verifier_t& ver, std::string_view key, std::string_view tenant,
                                                        errc want, std::chrono::milliseconds limit) {
  const auto from = steady::now();
  for (;;) {
    auto r = ver.verify(key, tenant);
    if (!r && r.error() == want) return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - from);
    if (steady::now() - from > limit) return std::nullopt;
    std::this_thread::sleep_for(1ms);
  }
}

// Waits until both instances' caches are live.
void wait_live(fleet& f) {
  const auto until = steady::now() + 5s;
  auto live = [](const instance& i) { return i.store.cache_statistics().value().live; };
  while (!(live(f.a) && live(f.b)) && steady::now() < until) std::this_thread::sleep_for(1ms);
  REQUIRE(live(f.a));
  REQUIRE(live(f.b));
}
}  // namespace

TEST_CASE("with a local cache: no round trip once cached; revoked on one instance, refused by the other within the bound",
          "[redis][api_key][cache]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  constexpr auto bound = 250ms;
  fleet f(srv.port, cached_within(bound));
  wait_live(f);
  CHECK_FALSE(fleet(srv.port).a.store.cache_statistics());  // off by default
  auto k = f.issue("org-1");
  const auto text = k.key.expose_secret_text();
  // Found and cached (a find racing the invalidation of the insert is not cached: then again).
  for (int i = 0; i < 100 && f.a.store.cache_statistics()->entries == 0; ++i) {
    REQUIRE(f.a.ver.verify(text, "org-1"));
    if (f.a.store.cache_statistics()->entries == 0) std::this_thread::sleep_for(1ms);
  }
  REQUIRE(f.a.store.cache_statistics()->entries == 1);
  REQUIRE(f.a.ver.verify(text, "org-1"));  // cached; writes the first use's last-used time (hourly)
  const auto before = f.a.pool->stats().round_trips;
  for (int i = 0; i < 10; ++i) REQUIRE(f.a.ver.verify(text, "org-1"));
  CHECK(f.a.pool->stats().round_trips == before);  // served from the cache
  CHECK(f.a.ver.verify(text, "org-2").error() == errc::wrong_tenant);  // the cached record is checked as any other
  // get() by key id, as a token's revocation check does: read once, then from the cache.
  REQUIRE(f.a.store.get(k.record.key_id));
  const auto after_get = f.a.pool->stats().round_trips;
  for (int i = 0; i < 5; ++i) CHECK(f.a.store.get(k.record.key_id).value()->status == api_key::key_status::active);
  CHECK(f.a.pool->stats().round_trips == after_get);
  REQUIRE(f.b.store.revoke(k.record.key_id, api_key::sys_seconds(std::chrono::seconds(start + 5))));
  const auto took = refused_within(f.a.ver, text, "org-1", errc::api_key_revoked, bound);
  REQUIRE(took);
  INFO("the revocation reached the other instance after " << took->count() << " ms");
  CHECK(f.a.pool->stats().round_trips > after_get);  // the invalidated record was read again
  auto revoked = f.a.store.get(k.record.key_id);
  REQUIRE(revoked);
  CHECK((*revoked)->status == api_key::key_status::revoked);
  // An erased key is gone from every cache as well.
  auto k2 = f.issue("org-1");
  REQUIRE(f.a.ver.verify(k2.key.expose_secret_text(), "org-1"));
  REQUIRE(f.b.store.erase(k2.record.key_id));
  CHECK(refused_within(f.a.ver, k2.key.expose_secret_text(), "org-1", errc::api_key_unknown, bound));
}

TEST_CASE("with a local cache: Redis gone, cached keys stop verifying within the bound", "[redis][api_key][cache][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  constexpr auto bound = 100ms;
  fleet f(srv.port(), cached_within(bound));
  wait_live(f);
  auto k = f.issue("org-1");
  REQUIRE(f.a.ver.verify(k.key.expose_secret_text(), "org-1"));
  srv.pause();  // answers nothing from here on
  std::this_thread::sleep_for(bound + 1ms);
  CHECK(f.a.ver.verify(k.key.expose_secret_text(), "org-1").error() == errc::store_unavailable);
  srv.resume();
  CHECK(refused_within(f.a.ver, k.key.expose_secret_text(), "org-2", errc::wrong_tenant, 5s));
}

TEST_CASE("with a local cache: concurrent revocations and verifications on two instances", "[redis][api_key][cache][concurrency]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  constexpr auto bound = 250ms;
  fleet f(srv.port, cached_within(bound), 2000ms);
  wait_live(f);
  std::vector<api_key::issued_key> keys;
  for (int i = 0; i < 12; ++i) keys.push_back(f.issue("org-c"));
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  auto ts = verify_until_done(f, keys, done, failures);
  std::this_thread::sleep_for(20ms);  // every key cached on both instances
  for (std::size_t i = 0; i < keys.size(); i += 2)
    REQUIRE((i % 4 ? f.a.store : f.b.store).revoke(keys[i].record.key_id, api_key::sys_seconds(std::chrono::seconds(start + 1))));
  const auto revoked_at = steady::now();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    for (auto* ver : {&f.a.ver, &f.b.ver}) {
      if (i % 2 == 0) {
        CHECK(refused_within(*ver, keys[i].key.expose_secret_text(), "org-c", errc::api_key_revoked, bound));
      } else {
        CHECK(ver->verify(keys[i].key.expose_secret_text(), "org-c"));
      }
    }
  }
  CHECK(steady::now() - revoked_at < bound + 2 * keys.size() * 5ms);
  done = true;
  for (auto& t : ts) t.join();
  CHECK(failures == 0);
}
