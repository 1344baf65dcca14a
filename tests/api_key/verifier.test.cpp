// Tests for tessera/api_key/verifier.hpp: the verification order, tenant binding, revocation on
// the next call, expiry, pepper rotation, header extraction, and an allocation-free verify path.
#include "tessera/api_key/verifier.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tessera/api_key/generator.hpp"
#include "support/alloc_counter.hpp"
#include "support/catch.hpp"

// This file owns its test executable's allocation counter (support/alloc_counter.hpp).
using alloc_counter::allocs;

using namespace tessera;
using namespace std::chrono_literals;

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

// A store, a clock, a generator and a verifier sharing them.
struct fixture {
  core::manual_clock clock{start};
  api_key::memory_key_store store;
  api_key::pepper_ring ring = ring_of({{1, 0x11}});
  api_key::generator<core::manual_clock&> gen = *api_key::generator<core::manual_clock&>::create({}, ring, clock);
  api_key::verifier<api_key::memory_key_store, core::manual_clock&> ver =
      *api_key::verifier<api_key::memory_key_store, core::manual_clock&>::create({}, ring, store, {}, clock);

  // Issues a key for a tenant and returns its text.
  std::string issue(std::string tenant, std::optional<std::chrono::seconds> lifetime = std::nullopt,
                    std::string integration = "erp") {
    api_key::key_spec s;
    s.tenant = std::move(tenant);
    s.scopes = {"orders:read", "orders:write"};
    s.integration = std::move(integration);
    s.description = "ERP";
    s.lifetime = lifetime;
    auto k = gen.issue(store, s);
    REQUIRE(k);
    last_id = k->record.key_id;
    return std::string(k->key.expose_secret_text());
  }
  std::string last_id;
};

// A well-formed key (valid checksum) that was never issued.
std::string unissued_key() {
  auto k = api_key::compose({}, "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ");
  REQUIRE(k);
  return std::string(k->expose_secret_text());
}

// A lookup that counts calls and can be told to fail.
struct counting_store {
  api_key::memory_key_store* inner;
  mutable int finds = 0;
  bool fail = false;
  result<api_key::record_ptr> find(const api_key::key_digest& d) const noexcept {
    ++finds;
    if (fail) return unexpected{errc::store_unavailable};
    return inner->find(d);
  }
  void note_use(const api_key::key_record& r, api_key::sys_seconds t) const noexcept { inner->note_use(r, t); }
};
static_assert(api_key::key_lookup<counting_store>);
static_assert(!api_key::redigestable_key_store<counting_store>);
}  // namespace

TEST_CASE("a correct key verifies and carries its record", "[api_key][verifier]") {
  fixture f;
  auto key = f.issue("org_1");
  auto v = f.ver.verify(key, "org_1");
  REQUIRE(v);
  CHECK(v->key_id() == f.last_id);
  CHECK(v->tenant() == "org_1");
  CHECK(v->has_scope("orders:write"));
  CHECK_FALSE(v->has_scope("admin"));
  CHECK(v->scopes().size() == 2);
  CHECK(v->integration() == "erp");
  CHECK_FALSE(v->expires_at());
  CHECK(v->last_used() == api_key::sys_seconds(std::chrono::seconds(start)));
  CHECK(f.ver.verify_any_tenant(key));
}

TEST_CASE("a verified key is its own copy of the record, read in place or through find()", "[api_key][verifier]") {
  fixture f;
  auto key = f.issue("org_1");
  auto v = f.ver.verify(key, "org_1");
  REQUIRE(v);
  std::vector<std::string> scopes(v->scopes().begin(), v->scopes().end());
  CHECK(scopes == std::vector<std::string>{"orders:read", "orders:write"});
  CHECK(v->scopes()[1] == "orders:write");
  CHECK_FALSE(v->scopes().empty());
  // Copies and moves keep their own storage; the store changing afterwards does not reach them.
  const api_key::verified_key copy = *v;
  api_key::verified_key moved = std::move(*v);
  REQUIRE(f.store.revoke(f.last_id, api_key::sys_seconds(std::chrono::seconds(start))));
  for (const api_key::verified_key* k : std::initializer_list<const api_key::verified_key*>{&copy, &moved}) {
    CHECK(k->key_id() == f.last_id);
    CHECK(k->tenant() == "org_1");
    CHECK(k->integration() == "erp");
    CHECK(k->has_scope("orders:read"));
    CHECK(k->scopes().size() == 2);
  }
  CHECK(f.ver.verify(key, "org_1").error() == errc::api_key_revoked);
  // The lookup-only path (a store without visit) gives the same key.
  static_assert(api_key::record_visitor<api_key::memory_key_store>);
  static_assert(!api_key::record_visitor<counting_store>);
  auto key2 = f.issue("org_2");
  counting_store counting{&f.store};
  auto ver = api_key::verifier<counting_store>::create({}, f.ring, counting);
  REQUIRE(ver);
  auto w = ver->verify(key2, "org_2");
  REQUIRE(w);
  CHECK(w->tenant() == "org_2");
  CHECK(w->scopes().size() == 2);
  CHECK(counting.finds == 1);
}

TEST_CASE("an unknown key is refused", "[api_key][verifier]") {
  fixture f;
  f.issue("org_1");
  CHECK(f.ver.verify(unissued_key(), "org_1").error() == errc::api_key_unknown);
  CHECK(f.ver.verify_any_tenant(unissued_key()).error() == errc::api_key_unknown);
}

TEST_CASE("a revoked key is refused on the very next call", "[api_key][verifier]") {
  fixture f;
  auto key = f.issue("org_1");
  REQUIRE(f.ver.verify(key, "org_1"));
  REQUIRE(f.store.revoke(f.last_id, api_key::sys_seconds(std::chrono::seconds(start))));
  CHECK(f.ver.verify(key, "org_1").error() == errc::api_key_revoked);
  CHECK(f.ver.verify_any_tenant(key).error() == errc::api_key_revoked);
}

TEST_CASE("a key is refused from its expiry second on", "[api_key][verifier]") {
  fixture f;
  auto key = f.issue("org_1", 3600s);
  f.clock.advance(3599s);
  auto v = f.ver.verify(key, "org_1");
  REQUIRE(v);
  CHECK(v->expires_at() == api_key::sys_seconds(std::chrono::seconds(start + 3600)));
  f.clock.advance(1s);
  CHECK(f.ver.verify(key, "org_1").error() == errc::api_key_expired);
  f.clock.advance(1000h);
  CHECK(f.ver.verify(key, "org_1").error() == errc::api_key_expired);
}

TEST_CASE("a key of tenant A on tenant B's path is refused, whatever its state on A", "[api_key][verifier]") {
  fixture f;
  auto a_key = f.issue("org_A", 60s);
  auto b_key = f.issue("org_B");
  CHECK(f.ver.verify(a_key, "org_B").error() == errc::wrong_tenant);
  CHECK(f.ver.verify(b_key, "org_A").error() == errc::wrong_tenant);
  CHECK(f.ver.verify(a_key, "org_a").error() == errc::wrong_tenant);  // exact match only
  CHECK(f.ver.verify(a_key, "").error() == errc::wrong_tenant);
  CHECK(f.ver.verify(a_key, "org_A"));
  // Valid, expired or revoked on A: B's path always answers wrong_tenant, so a caller there
  // learns nothing about the key's standing on A.
  f.clock.advance(60s);
  CHECK(f.ver.verify(a_key, "org_A").error() == errc::api_key_expired);
  CHECK(f.ver.verify(a_key, "org_B").error() == errc::wrong_tenant);
  REQUIRE(f.store.revoke(f.store.list("org_A")[0]->key_id, api_key::sys_seconds(std::chrono::seconds(start))));
  CHECK(f.ver.verify(a_key, "org_A").error() == errc::api_key_revoked);
  CHECK(f.ver.verify(a_key, "org_B").error() == errc::wrong_tenant);
  // Last use is only recorded for accepted calls.
  CHECK(f.store.list("org_A")[0]->last_used.get() == api_key::sys_seconds(std::chrono::seconds(start)));
}

TEST_CASE("checks run in order: format and checksum before any lookup", "[api_key][verifier]") {
  fixture f;
  auto key = f.issue("org_1");
  counting_store counting{&f.store};
  auto ver = api_key::verifier<counting_store>::create({}, f.ring, counting);
  REQUIRE(ver);
  CHECK(ver->verify("nonsense", "org_1").error() == errc::api_key_malformed);
  std::string typo = key;
  typo[12] = typo[12] == 'x' ? 'y' : 'x';
  CHECK(ver->verify(typo, "org_1").error() == errc::api_key_bad_checksum);
  auto test_key = api_key::compose({"ak", "test", 30}, "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ");
  CHECK(ver->verify(test_key->expose_secret_text(), "org_1").error() == errc::api_key_wrong_environment);
  CHECK(counting.finds == 0);
  CHECK(ver->verify(key, "org_1"));
  CHECK(counting.finds == 1);
  // A store that cannot answer fails closed.
  counting.fail = true;
  CHECK(ver->verify(key, "org_1").error() == errc::store_unavailable);
}

TEST_CASE("a rotated pepper still verifies old keys, and moves them to the new pepper", "[api_key][verifier]") {
  fixture f;  // keys issued under pepper 1
  auto old_key = f.issue("org_1");
  const auto old_id = f.last_id;

  // Rotation: pepper 2 becomes current, pepper 1 is kept.
  auto rotated = ring_of({{1, 0x11}, {2, 0x22}}, 2);
  auto gen2 = api_key::generator<>::create({}, rotated);
  auto ver2 = api_key::verifier<>::create({}, rotated, f.store, {});
  REQUIRE(gen2);
  REQUIRE(ver2);
  auto new_key = gen2->issue(f.store, {"org_1", {"orders:read"}, "erp", "", std::nullopt, ""});
  REQUIRE(new_key);
  CHECK(new_key->record.digest.pepper_version == 2);
  CHECK(ver2->verify(new_key->key.expose_secret_text(), "org_1"));

  CHECK((*f.store.get(old_id))->digest.pepper_version == 1);
  REQUIRE(ver2->verify(old_key, "org_1"));
  // First use re-peppered the old key: its record is now under pepper 2 ...
  CHECK((*f.store.get(old_id))->digest.pepper_version == 2);
  CHECK(ver2->verify(old_key, "org_1"));
  // ... so pepper 1 can be retired.
  auto only2 = ring_of({{2, 0x22}});
  auto ver3 = api_key::verifier<>::create({}, only2, f.store);
  REQUIRE(ver3);
  CHECK(ver3->verify(old_key, "org_1"));
  // The old ring alone no longer finds it (that is what retiring pepper 1 after the move means).
  CHECK(f.ver.verify(old_key, "org_1").error() == errc::api_key_unknown);
}

TEST_CASE("re-peppering can be switched off, and never happens for refused keys", "[api_key][verifier]") {
  fixture f;
  auto k1 = f.issue("org_1");
  const auto id1 = f.last_id;
  auto k2 = f.issue("org_1");
  const auto id2 = f.last_id;
  auto rotated = ring_of({{1, 0x11}, {2, 0x22}}, 2);
  api_key::verifier_options keep;
  keep.repepper_on_use = false;
  auto ver = api_key::verifier<>::create({}, rotated, f.store, keep);
  REQUIRE(ver);
  REQUIRE(ver->verify(k1, "org_1"));
  CHECK((*f.store.get(id1))->digest.pepper_version == 1);

  auto moving = api_key::verifier<>::create({}, rotated, f.store);
  REQUIRE(moving);
  CHECK(moving->verify(k2, "org_2").error() == errc::wrong_tenant);
  CHECK((*f.store.get(id2))->digest.pepper_version == 1);
}

TEST_CASE("several active keys per integration rotate independently", "[api_key][verifier]") {
  fixture f;
  auto first = f.issue("org_1", std::nullopt, "erp");
  const auto first_id = f.last_id;
  auto second = f.issue("org_1", std::nullopt, "erp");
  CHECK(f.store.list("org_1", "erp").size() == 2);
  CHECK(f.ver.verify(first, "org_1"));
  CHECK(f.ver.verify(second, "org_1"));
  REQUIRE(f.store.revoke(first_id, api_key::sys_seconds(std::chrono::seconds(start))));
  CHECK(f.ver.verify(first, "org_1").error() == errc::api_key_revoked);
  CHECK(f.ver.verify(second, "org_1"));
}

TEST_CASE("the key is read from its header, whose name is case-insensitive", "[api_key][verifier]") {
  fixture f;
  auto key = f.issue("org_1");
  for (const char* name : {"ApiKey", "apikey", "APIKEY", "aPiKeY"}) {
    std::map<std::string, std::string> headers{{name, key}, {"Accept", "*/*"}};
    CAPTURE(name);
    CHECK(f.ver.verify_request(headers, "org_1"));
  }
  std::vector<std::pair<std::string, std::string>> list{{"apikey", "  " + key + "\t"}};
  CHECK(f.ver.verify_request(list, "org_1"));  // surrounding whitespace is not part of the key
  auto accessor = [&](std::string_view name) -> std::optional<std::string_view> {
    if (name == "ApiKey") return std::string_view(key);
    return std::nullopt;
  };
  CHECK(f.ver.verify_request(accessor, "org_1"));
  CHECK(f.ver.verify_request_any_tenant(accessor));
  CHECK(f.ver.verify_request(accessor, "org_2").error() == errc::wrong_tenant);

  std::map<std::string, std::string> none{{"Authorization", "Bearer " + key}};
  CHECK(f.ver.verify_request(none, "org_1").error() == errc::missing_credentials);
  std::map<std::string, std::string> empty{{"ApiKey", "  "}};
  CHECK(f.ver.verify_request(empty, "org_1").error() == errc::missing_credentials);
  std::vector<std::pair<std::string, std::string>> twice{{"ApiKey", key}, {"apikey", key}};
  CHECK(f.ver.verify_request(twice, "org_1").error() == errc::malformed_credentials);
  std::map<std::string, std::string> junk{{"ApiKey", "Bearer " + key}};
  CHECK(f.ver.verify_request(junk, "org_1").error() == errc::api_key_malformed);

  api_key::verifier_options opts;
  opts.header_name = "X-Api-Key";
  auto custom = api_key::verifier<api_key::memory_key_store, core::manual_clock&>::create({}, f.ring, f.store, opts, f.clock);
  REQUIRE(custom);
  std::map<std::string, std::string> x{{"x-api-key", key}};
  CHECK(custom->verify_request(x, "org_1"));
  std::map<std::string, std::string> plain{{"ApiKey", key}};
  CHECK(custom->verify_request(plain, "org_1").error() == errc::missing_credentials);
  opts.header_name.clear();
  CHECK(api_key::verifier<>::create({}, f.ring, f.store, opts).error() == errc::invalid_argument);
  CHECK(api_key::verifier<>::create({}, api_key::pepper_ring{}, f.store).error() == errc::invalid_key);
  CHECK(api_key::verifier<>::create({"", "live", 30}, f.ring, f.store).error() == errc::invalid_argument);
}

TEST_CASE("the API-key verifier reads the coarse clock by default", "[api_key][verifier]") {
  static_assert(std::is_same_v<api_key::verifier<>, api_key::verifier<api_key::memory_key_store, core::coarse_clock>>);
  SUCCEED();
}

TEST_CASE("every API-key failure is its own errc, all answered with 401", "[api_key][verifier]") {
  const std::array causes{errc::missing_credentials,  errc::malformed_credentials, errc::api_key_malformed,
                          errc::api_key_bad_checksum, errc::api_key_wrong_environment, errc::api_key_unknown,
                          errc::wrong_tenant,         errc::api_key_revoked,        errc::api_key_expired};
  std::set<int> distinct;
  std::set<std::string_view> names;
  for (auto e : causes) {
    distinct.insert(static_cast<int>(e));
    names.insert(core::name(e));
    CHECK(core::http_status(e) == 401);
  }
  CHECK(distinct.size() == causes.size());
  CHECK(names.size() == causes.size());
  CHECK(core::http_status(errc::store_unavailable) == 503);
}

TEST_CASE("a verification allocates only for fields beyond the inline buffer, and never when it fails",
          "[api_key][verifier]") {
#ifdef TESSERA_TEST_SANITIZED
  TESSERA_SKIP("allocation counting needs the test's own operator new, which sanitizers replace");
#endif
  // The verified key copies the record's key id, tenant, integration and scopes: inside itself
  // when they fit in inline_bytes, in one allocation when they do not.
  fixture f;
  auto key = f.issue("org_1", 3600s);
  const std::string big_integration(api_key::verified_key::inline_bytes, 'i');
  auto big = f.issue("org_1", 3600s, big_integration);
  auto other = f.issue("org_2");
  auto bad = unissued_key();
  std::map<std::string, std::string> headers{{"Accept", "*/*"}, {"apikey", key}, {"Host", "api.example"}};
  REQUIRE(f.ver.verify(key, "org_1"));  // warm up this thread's HMAC context
  REQUIRE(f.ver.verify_request(headers, "org_1"));

  const auto count = [&](auto&& run) {
    long ok = 0;
    allocs = 0;
    alloc_counter::counting = true;
    for (int i = 0; i < 200; ++i) ok += run() ? 1 : 0;
    alloc_counter::counting = false;
    return std::pair{ok, allocs};
  };
  CHECK(count([&] { return f.ver.verify(key, "org_1").has_value() && f.ver.verify_request(headers, "org_1").has_value(); }) ==
        std::pair{200L, 0L});
  CHECK(count([&] { return f.ver.verify(big, "org_1").has_value(); }) == std::pair{200L, 200L});
  CHECK(count([&] {
          return !f.ver.verify(other, "org_1") && !f.ver.verify(bad, "org_1") && !f.ver.verify("ak_live_garbage", "org_1");
        }) == std::pair{200L, 0L});

  // Either way the copy reads back the record's fields, and survives copies and moves.
  for (const auto& [text, integration] : {std::pair{key, std::string("erp")}, std::pair{big, big_integration}}) {
    auto v = f.ver.verify(text, "org_1");
    REQUIRE(v);
    auto copy = *v;
    auto moved = std::move(*v);
    for (const auto* k : {&copy, &moved}) {
      CHECK(k->tenant() == "org_1");
      CHECK(k->integration() == integration);
      REQUIRE(k->scopes().size() == 2);
      CHECK(k->scopes()[0] == "orders:read");
      CHECK(k->scopes()[1] == "orders:write");
      CHECK(k->has_scope("orders:write"));
      CHECK_FALSE(k->key_id().empty());
    }
  }
}

TEST_CASE("a revocation is seen by every call that starts after it, on every thread",
          "[api_key][verifier][concurrency]") {
  fixture f;
  constexpr int n = 16;
  std::vector<std::string> keys, ids;
  for (int i = 0; i < n; ++i) {
    keys.push_back(f.issue("org_1"));
    ids.push_back(f.last_id);
  }
  std::atomic<int> revoked_upto{-1};
  std::atomic<bool> stop{false};
  std::atomic<int> violations{0}, wrong_errors{0};
  std::atomic<long> calls{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      int i = t;
      while (!stop.load(std::memory_order_acquire)) {
        i = (i + 5) % n;
        const int upto = revoked_upto.load(std::memory_order_acquire);
        auto r = f.ver.verify(keys[static_cast<std::size_t>(i)], "org_1");
        if (i <= upto && r) violations.fetch_add(1);
        if (!r && r.error() != errc::api_key_revoked) wrong_errors.fetch_add(1);
        if (f.ver.verify(keys[static_cast<std::size_t>(i)], "org_2").error() != errc::wrong_tenant)
          wrong_errors.fetch_add(1);
        calls.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (int i = 0; i < n; ++i) {
    while (calls.load() < 50L * (i + 1)) std::this_thread::yield();
    if (!f.store.revoke(ids[static_cast<std::size_t>(i)], api_key::sys_seconds(std::chrono::seconds(start))))
      wrong_errors.fetch_add(1);
    revoked_upto.store(i, std::memory_order_release);
  }
  while (calls.load() < 50L * (n + 2)) std::this_thread::yield();
  stop.store(true, std::memory_order_release);
  for (auto& th : threads) th.join();
  CHECK(violations.load() == 0);
  CHECK(wrong_errors.load() == 0);
}
