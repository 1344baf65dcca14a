// Tests for tessera/redis/client_registry.hpp, on two instances sharing one server: a client
// registered on one logs in on the other; deactivation on one refuses logins and issued tokens
// (client_revocation) on the other at once; records read back field for field, signing keys
// included; the rehash compare-and-set; edits, listener, list and erase; concurrent edits;
// failing closed.
#include "tessera/redis/client_registry.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "redis/redis_support.hpp"
#include "tessera/core/clock.hpp"
#include "tessera/core/random.hpp"
#include "tessera/credentials.hpp"
#include "tessera/crypto/private_key.hpp"
#include "tessera/jwt.hpp"

using namespace redis_test;

namespace {
const credentials::sys_seconds t0{std::chrono::seconds(1'700'000'000)};

// Cheap scrypt, for tests that are not about cost.
const credentials::hash_policy cheap = credentials::hash_policy::scrypt_with(1 << 10, 8, 1);

std::string public_pem() {
  static const std::string pem = [] {
    auto priv = crypto::private_key::generate(crypto::key_spec::p256);
    REQUIRE(priv);
    auto pub = priv->public_key();
    REQUIRE(pub);
    return pub->to_pem().value();
  }();
  return pem;
}

// Two instances (pool and registry each) sharing a server and prefix.
struct fleet {
  std::string prefix = unique_prefix();
  std::unique_ptr<redis::connection_pool> pool_a, pool_b;
  redis::client_registry a, b;
  explicit fleet(int port, std::chrono::milliseconds timeout = 200ms, redis::client_registry_options o = {})
      : pool_a(make_pool(port, prefix, timeout)), pool_b(make_pool(port, prefix, timeout)), a(*pool_a, o), b(*pool_b, o) {}

  credentials::issued_client add(std::string tenant = "org-1") {
    credentials::client_spec s;
    s.tenant = std::move(tenant);
    s.roles = {"ApiOwner"};
    s.scopes = {"orders:read"};
    s.stores = {"store-oslo"};
    s.markets = {"market-nor"};
    s.description = "partner";
    auto c = credentials::register_client(a, std::move(s), t0, cheap);
    REQUIRE(c);
    return std::move(*c);
  }
};
}  // namespace

static_assert(credentials::client_registry<redis::client_registry>);
static_assert(credentials::managed_client_registry<redis::client_registry>);

TEST_CASE("records read back field for field, signing keys included", "[redis][registry]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port);
  auto c = f.add();
  REQUIRE(f.a.add_signing_key(c.record.client_id, credentials::signing_key::from_pem(
                                                      "k-2024", public_pem(), crypto::signature_alg::ecdsa_p256_sha256)
                                                      .value()));
  auto got = f.b.find(c.record.client_id);
  REQUIRE(got);
  const auto& r = **got;
  CHECK(r.client_id == c.record.client_id);
  CHECK(r.tenant == "org-1");
  CHECK(r.roles == std::vector<std::string>{"ApiOwner"});
  CHECK(r.scopes == std::vector<std::string>{"orders:read"});
  CHECK(r.stores == std::vector<std::string>{"store-oslo"});
  CHECK(r.markets == std::vector<std::string>{"market-nor"});
  CHECK(r.secret_hash == c.record.secret_hash);
  CHECK(r.active);
  CHECK_FALSE(r.deactivated_at);
  CHECK(r.created_at == t0);
  CHECK(r.description == "partner");
  REQUIRE(r.signing_keys.size() == 1);
  CHECK(r.signing_keys[0].key_id == "k-2024");
  CHECK(r.signing_keys[0].key.to_pem().value() == public_pem());
  CHECK(r.signing_keys[0].algorithm == crypto::signature_alg::ecdsa_p256_sha256);
  const auto again = credentials::signing_key::from_pem("k-2024", public_pem(), crypto::signature_alg::ecdsa_p256_sha256);
  CHECK(f.a.add_signing_key(c.record.client_id, again.value()).error() == errc::invalid_argument);
  REQUIRE(f.b.remove_signing_key(c.record.client_id, "k-2024"));
  CHECK(f.a.find(c.record.client_id).value()->signing_keys.empty());
  CHECK(f.a.remove_signing_key(c.record.client_id, "k-2024").error() == errc::key_not_found);
  CHECK(f.b.find("nobody").error() == errc::unknown_client);
  // Taken id, no id, a bad scope: refused.
  CHECK(f.b.add(c.record).error() == errc::invalid_argument);
  auto no_id = c.record;
  no_id.client_id.clear();
  CHECK(f.b.add(no_id).error() == errc::invalid_argument);
  auto bad_scope = c.record;
  bad_scope.client_id = "other";
  bad_scope.scopes = {"orders read"};
  CHECK(f.b.add(bad_scope).error() == errc::invalid_scope);
}

TEST_CASE("registered on one instance, logs in on the other; deactivated on one, refused by the other", "[redis][registry]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port);
  auto c = f.add();
  credentials::authenticator_options opts;
  opts.policy = cheap;
  auto login_b = credentials::client_authenticator<redis::client_registry>::create(f.b, opts);
  REQUIRE(login_b);
  REQUIRE(login_b->authenticate(c.record.client_id, c.secret.expose_secret()));
  REQUIRE(f.a.deactivate(c.record.client_id, t0 + std::chrono::seconds(10)));
  CHECK(login_b->authenticate(c.record.client_id, c.secret.expose_secret()).error() == errc::client_deactivated);
  auto r = f.b.find(c.record.client_id);
  REQUIRE(r);
  CHECK_FALSE((*r)->active);
  CHECK((*r)->deactivated_at == t0 + std::chrono::seconds(10));
  // Idempotent: the first deactivation time stays. Reactivation keeps it.
  REQUIRE(f.b.deactivate(c.record.client_id, t0 + std::chrono::seconds(99)));
  REQUIRE(f.b.reactivate(c.record.client_id));
  r = f.a.find(c.record.client_id);
  REQUIRE(r);
  CHECK((*r)->active);
  CHECK((*r)->deactivated_at == t0 + std::chrono::seconds(10));
  CHECK(login_b->authenticate(c.record.client_id, c.secret.expose_secret()));
  // A new secret on one instance: the old one fails on the other at once.
  auto fresh = credentials::rotate_client_secret(f.a, c.record.client_id, cheap);
  REQUIRE(fresh);
  CHECK_FALSE(login_b->authenticate(c.record.client_id, c.secret.expose_secret()));
  CHECK(login_b->authenticate(c.record.client_id, fresh->expose_secret()));
  CHECK(f.a.deactivate("nobody", t0).error() == errc::unknown_client);
  CHECK(f.a.reactivate("nobody").error() == errc::unknown_client);
}

TEST_CASE("deactivation on one instance reaches tokens verified on the other", "[redis][registry]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port);
  auto c = f.add();
  core::manual_clock clock{t0.time_since_epoch().count()};
  const auto secret = core::random_bytes(32).value();
  auto key = jwt::signing_key::hmac(jwt::alg::hs256, secret).value();
  jwt::issuer<core::manual_clock&> issuer(key, {}, clock);
  jwt::verifier<jwt::single_key, core::manual_clock&, credentials::client_revocation<redis::client_registry&>> ver(
      jwt::single_key(key.verification().value()),
      jwt::rules::builder{}.ignore_issuer().ignore_audience().principal_claim("client_id").build().value(), clock,
      credentials::client_revocation<redis::client_registry&>(f.b));
  jwt::claims claims;
  claims.subject(c.record.client_id).set("client_id", c.record.client_id);
  auto token = issuer.issue(claims).value();
  REQUIRE(ver.verify(token.token));
  REQUIRE(f.a.deactivate(c.record.client_id, t0 + std::chrono::seconds(5)));
  CHECK(ver.verify(token.token).error() == errc::principal_deactivated);
  REQUIRE(f.a.reactivate(c.record.client_id));
  CHECK(ver.verify(token.token).error() == errc::token_revoked);  // issued before the deactivation
}

TEST_CASE("update_secret_hash is a compare-and-set; set_secret_hash is not", "[redis][registry]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port);
  auto c = f.add();
  const std::string old_hash = c.record.secret_hash;
  const std::string rotated = credentials::hash_secret(core::bytes_view("rotated"), cheap).value();
  const std::string rehashed = credentials::hash_secret(core::bytes_view("rehash"), cheap).value();
  REQUIRE(f.a.set_secret_hash(c.record.client_id, rotated));
  // A rehash computed from the old hash must not overwrite the rotation.
  REQUIRE(f.b.update_secret_hash(c.record.client_id, old_hash, rehashed));
  CHECK(f.a.find(c.record.client_id).value()->secret_hash == rotated);
  REQUIRE(f.b.update_secret_hash(c.record.client_id, rotated, rehashed));
  CHECK(f.a.find(c.record.client_id).value()->secret_hash == rehashed);
  CHECK(f.a.update_secret_hash("nobody", rotated, rehashed).error() == errc::unknown_client);
}

TEST_CASE("modify, the deactivation listener, list and erase", "[redis][registry]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port);
  auto c1 = f.add("org-m"), c2 = f.add("org-m"), c3 = f.add("org-n");
  REQUIRE(f.a.modify(c1.record.client_id, [](credentials::client_record& r) { r.roles.push_back("CommerceUser"); }));
  CHECK(f.b.find(c1.record.client_id).value()->has_role("CommerceUser"));
  CHECK(f.a.modify(c1.record.client_id, [](credentials::client_record& r) { r.client_id = "renamed"; }).error() ==
        errc::invalid_argument);
  CHECK(f.a.modify(c1.record.client_id, [](credentials::client_record& r) { r.active = false; }).error() ==
        errc::invalid_argument);
  CHECK(f.a.modify(c1.record.client_id, [](credentials::client_record& r) { r.scopes = {"a b"}; }).error() ==
        errc::invalid_scope);
  CHECK(f.a.modify(c1.record.client_id, [](credentials::client_record&) { throw 1; }).error() == errc::internal_error);
  CHECK(f.b.find(c1.record.client_id).value()->active);
  // Moving a client to another tenant moves it between the tenants' lists.
  REQUIRE(f.a.modify(c2.record.client_id, [](credentials::client_record& r) { r.tenant = "org-n"; }));
  auto m = f.b.list("org-m");
  REQUIRE(m);
  REQUIRE(m->size() == 1);
  CHECK((*m)[0]->client_id == c1.record.client_id);
  auto n = f.b.list("org-n");
  REQUIRE(n);
  CHECK(n->size() == 2);
  // The listener hears deactivations made through its registry object.
  std::vector<std::string> heard;
  f.a.on_deactivate([&](const credentials::client_record& r) { heard.push_back(r.client_id); });
  REQUIRE(f.a.deactivate(c3.record.client_id, t0));
  REQUIRE(f.a.deactivate(c3.record.client_id, t0));  // no change: not heard twice
  CHECK(heard == std::vector<std::string>{c3.record.client_id});
  REQUIRE(f.b.erase(c3.record.client_id));
  CHECK(f.a.find(c3.record.client_id).error() == errc::unknown_client);
  CHECK(f.a.list("org-n").value().size() == 1);
  CHECK(f.a.erase(c3.record.client_id).error() == errc::unknown_client);
}

TEST_CASE("concurrent edits on two instances: no update is lost", "[redis][registry][concurrency]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  fleet f(srv.port, 2000ms);
  auto c = f.add();
  std::atomic<int> failures{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&, t] {
      auto& reg = t % 2 ? f.a : f.b;
      for (int i = 0; i < 8; ++i) {
        const std::string store = "store-" + std::to_string(t) + "-" + std::to_string(i);
        if (!reg.modify(c.record.client_id, [&](credentials::client_record& r) { r.stores.push_back(store); })) ++failures;
        if (!reg.find(c.record.client_id)) ++failures;
      }
    });
  }
  for (auto& t : ts) t.join();
  CHECK(failures == 0);
  CHECK(f.a.find(c.record.client_id).value()->stores.size() == 1 + 4 * 8);
}

TEST_CASE("Redis gone: finds and changes fail closed", "[redis][registry][faults]") {
  private_server srv;
  REDIS_TEST_REQUIRE_SERVER(srv.info());
  fleet f(srv.port());
  auto c = f.add();
  srv.kill_hard();
  CHECK(f.b.find(c.record.client_id).error() == errc::store_unavailable);
  CHECK(f.a.deactivate(c.record.client_id, t0).error() == errc::store_unavailable);
  credentials::client_revocation<redis::client_registry&> check(f.b);
  jwt::token_facts facts{.jwt_id = "", .subject = c.record.client_id, .principal = c.record.client_id, .kid = "",
                         .issued_at = t0.time_since_epoch().count(), .expires_at = std::nullopt};
  CHECK(check.check(facts).error() == errc::store_unavailable);
}

TEST_CASE("with a local cache: no round trip once cached; deactivated on one instance, refused by the other within the bound",
          "[redis][registry][cache]") {
  const auto& srv = shared_server();
  REDIS_TEST_REQUIRE_SERVER(srv);
  constexpr auto bound = 250ms;
  redis::client_registry_options o;
  o.cache.enabled = true;
  o.cache.max_staleness = bound;
  fleet f(srv.port, 200ms, o);
  const auto until = steady::now() + 5s;
  while (!(f.a.cache_statistics()->live && f.b.cache_statistics()->live) && steady::now() < until)
    std::this_thread::sleep_for(1ms);
  REQUIRE(f.b.cache_statistics()->live);
  auto c = f.add();
  credentials::authenticator_options opts;
  opts.policy = cheap;
  auto login_b = credentials::client_authenticator<redis::client_registry>::create(f.b, opts);
  REQUIRE(login_b);
  // Found and cached (a find racing the invalidation of the add() is not cached: then again).
  for (int i = 0; i < 100 && f.b.cache_statistics()->entries == 0; ++i) {
    REQUIRE(login_b->authenticate(c.record.client_id, c.secret.expose_secret()));
    if (f.b.cache_statistics()->entries == 0) std::this_thread::sleep_for(1ms);
  }
  REQUIRE(f.b.cache_statistics()->entries == 1);
  const auto before = f.pool_b->stats().round_trips;
  for (int i = 0; i < 5; ++i) REQUIRE(login_b->authenticate(c.record.client_id, c.secret.expose_secret()));
  CHECK(f.pool_b->stats().round_trips == before);  // served from the cache
  REQUIRE(f.a.deactivate(c.record.client_id, t0 + std::chrono::seconds(10)));
  const auto from = steady::now();
  bool refused = false;
  while (!refused && steady::now() - from < bound) {
    auto r = login_b->authenticate(c.record.client_id, c.secret.expose_secret());
    refused = !r && r.error() == errc::client_deactivated;
    if (!refused) std::this_thread::sleep_for(1ms);
  }
  CHECK(refused);
  INFO("the deactivation reached the other instance after "
       << std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - from).count() << " ms");
  CHECK(f.pool_b->stats().round_trips > before);
  CHECK_FALSE(fleet(srv.port).a.cache_statistics());  // off by default
}
