// Tests for tessera/credentials/registry.hpp: client records, the registry concepts, and
// memory_client_registry (observable deactivation, compare-and-set rehash, signing keys).
#include "tessera/credentials/registry.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tessera/crypto/private_key.hpp"
#include "support/catch.hpp"

using namespace tessera;
using namespace std::chrono_literals;
using credentials::client_record;
using credentials::memory_client_registry;

namespace {
const credentials::sys_seconds t0{std::chrono::seconds(1'700'000'000)};

client_record client(std::string id, std::string tenant = "retailer-1") {
  client_record c;
  c.client_id = std::move(id);
  c.tenant = std::move(tenant);
  c.roles = {"CommerceUser"};
  c.scopes = {"orders:read"};
  c.stores = {"store-oslo-downtown"};
  c.markets = {"market-nor"};
  c.secret_hash = "$scrypt$ln=4,r=1,p=1$AAECAwQFBgcICQoLDA0ODw$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
  c.created_at = t0;
  return c;
}

std::string public_pem(crypto::key_spec spec) {
  auto priv = crypto::private_key::generate(spec);
  REQUIRE(priv);
  auto pub = priv->public_key();
  REQUIRE(pub);
  auto pem = pub->to_pem();
  REQUIRE(pem);
  return *pem;
}

struct lookup_only {
  result<credentials::client_ptr> find(std::string_view) const noexcept { return unexpected{errc::unknown_client}; }
  result<void> update_secret_hash(std::string_view, std::string_view, std::string_view) noexcept { return core::ok(); }
};
struct throwing_find {
  result<credentials::client_ptr> find(std::string_view) const { return unexpected{errc::unknown_client}; }
  result<void> update_secret_hash(std::string_view, std::string_view, std::string_view) noexcept { return core::ok(); }
};
}  // namespace

static_assert(credentials::client_registry<memory_client_registry>);
static_assert(credentials::managed_client_registry<memory_client_registry>);
static_assert(credentials::client_registry<lookup_only>);
static_assert(!credentials::managed_client_registry<lookup_only>);
static_assert(!credentials::client_registry<throwing_find>);

TEST_CASE("a registered client is found with everything it may do", "[credentials][registry]") {
  memory_client_registry reg;
  REQUIRE(reg.add(client("acme")));
  auto c = reg.find("acme");
  REQUIRE(c);
  CHECK((*c)->client_id == "acme");
  CHECK((*c)->tenant == "retailer-1");
  CHECK((*c)->has_role("CommerceUser"));
  CHECK_FALSE((*c)->has_role("ApiOwner"));
  CHECK((*c)->has_scope("orders:read"));
  CHECK((*c)->stores == std::vector<std::string>{"store-oslo-downtown"});
  CHECK((*c)->markets == std::vector<std::string>{"market-nor"});
  CHECK((*c)->active);
  CHECK_FALSE((*c)->deactivated_at);
  CHECK((*c)->created_at == t0);
  CHECK(reg.find("ACME").error() == errc::unknown_client);
  CHECK(reg.find("").error() == errc::unknown_client);
  CHECK(reg.add(client("acme")).error() == errc::invalid_argument);
  CHECK(reg.add(client("")).error() == errc::invalid_argument);
  CHECK(reg.size() == 1);
}

TEST_CASE("deactivation is observable: flag, time, listener, and the next find", "[credentials][registry]") {
  memory_client_registry reg;
  std::vector<std::string> told;
  reg.on_deactivate([&](const client_record& c) {
    CHECK_FALSE(c.active);
    told.push_back(c.client_id);
  });
  REQUIRE(reg.add(client("acme")));
  auto before = *reg.find("acme");
  REQUIRE(reg.deactivate("acme", t0 + 60s));
  auto after = *reg.find("acme");
  CHECK_FALSE(after->active);
  CHECK(after->deactivated_at == t0 + 60s);
  CHECK(before->active);  // snapshots already handed out do not change
  CHECK(told == std::vector<std::string>{"acme"});
  CHECK(after->issued_before_deactivation(t0 + 59s));
  CHECK(after->issued_before_deactivation(t0 + 60s));  // the same second cannot prove it came after
  CHECK_FALSE(after->issued_before_deactivation(t0 + 61s));

  // Idempotent: no second notification, the first time stays.
  REQUIRE(reg.deactivate("acme", t0 + 120s));
  CHECK((*reg.find("acme"))->deactivated_at == t0 + 60s);
  CHECK(told.size() == 1);

  // Reactivation keeps the time, so tokens issued before it can stay refused.
  REQUIRE(reg.reactivate("acme"));
  auto back = *reg.find("acme");
  CHECK(back->active);
  CHECK(back->deactivated_at == t0 + 60s);
  CHECK(back->issued_before_deactivation(t0));
  REQUIRE(reg.reactivate("acme"));
  CHECK(reg.deactivate("nobody", t0).error() == errc::unknown_client);
  CHECK(reg.reactivate("nobody").error() == errc::unknown_client);

  memory_client_registry noisy;
  noisy.on_deactivate([](const client_record&) { throw 42; });
  REQUIRE(noisy.add(client("x")));
  CHECK(noisy.deactivate("x", t0).error() == errc::internal_error);
  CHECK_FALSE((*noisy.find("x"))->active);  // deactivated regardless
}

TEST_CASE("secret hashes: set replaces, update is compare-and-set", "[credentials][registry]") {
  memory_client_registry reg;
  REQUIRE(reg.add(client("acme")));
  const std::string original = (*reg.find("acme"))->secret_hash;
  REQUIRE(reg.update_secret_hash("acme", original, "$new-1"));
  CHECK((*reg.find("acme"))->secret_hash == "$new-1");
  // A stale expectation (the secret was rotated meanwhile) changes nothing.
  REQUIRE(reg.update_secret_hash("acme", original, "$stale"));
  CHECK((*reg.find("acme"))->secret_hash == "$new-1");
  REQUIRE(reg.set_secret_hash("acme", "$rotated"));
  CHECK((*reg.find("acme"))->secret_hash == "$rotated");
  CHECK(reg.set_secret_hash("nobody", "$x").error() == errc::unknown_client);
  CHECK(reg.update_secret_hash("nobody", "$x", "$y").error() == errc::unknown_client);
}

TEST_CASE("request-signing public keys are registered parsed, and withdrawn", "[credentials][registry]") {
  memory_client_registry reg;
  REQUIRE(reg.add(client("partner")));
  auto rsa = credentials::signing_key::from_pem("2024-01", public_pem(crypto::key_spec::rsa2048));
  auto ec = credentials::signing_key::from_pem("2024-06", public_pem(crypto::key_spec::p256),
                                                crypto::signature_alg::ecdsa_p256_sha256);
  REQUIRE(rsa);
  REQUIRE(ec);
  CHECK(rsa->key.type() == crypto::key_type::rsa);
  REQUIRE(reg.add_signing_key("partner", *rsa));
  REQUIRE(reg.add_signing_key("partner", *ec));
  CHECK(reg.add_signing_key("partner", *ec).error() == errc::invalid_argument);
  CHECK(reg.add_signing_key("nobody", *ec).error() == errc::unknown_client);
  auto c = *reg.find("partner");
  REQUIRE(c->signing_keys.size() == 2);
  REQUIRE(c->find_signing_key("2024-06"));
  CHECK(c->find_signing_key("2024-06")->key.type() == crypto::key_type::ec_p256);
  CHECK_FALSE(c->find_signing_key("2023-01"));
  REQUIRE(reg.remove_signing_key("partner", "2024-01"));
  CHECK((*reg.find("partner"))->signing_keys.size() == 1);
  CHECK(reg.remove_signing_key("partner", "2024-01").error() == errc::key_not_found);

  CHECK_FALSE(credentials::signing_key::from_pem("k", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
  CHECK_FALSE(credentials::signing_key::from_pem("k", "not a pem"));
  CHECK(credentials::signing_key::from_pem("", public_pem(crypto::key_spec::ed25519)).error() == errc::invalid_argument);
}

TEST_CASE("records are edited by copy; the id and the active flag are not edited that way",
          "[credentials][registry]") {
  memory_client_registry reg;
  REQUIRE(reg.add(client("acme")));
  REQUIRE(reg.modify("acme", [](client_record& c) {
    c.roles = {"ApiOwner"};
    c.stores = {"AllStores"};
  }));
  auto c = *reg.find("acme");
  CHECK(c->has_role("ApiOwner"));
  CHECK(c->stores == std::vector<std::string>{"AllStores"});
  CHECK(reg.modify("acme", [](client_record& r) { r.client_id = "other"; }).error() == errc::invalid_argument);
  CHECK(reg.modify("acme", [](client_record& r) { r.active = false; }).error() == errc::invalid_argument);
  CHECK((*reg.find("acme"))->active);
  CHECK(reg.modify("acme", [](client_record&) { throw 1; }).error() == errc::internal_error);
  CHECK(reg.modify("nobody", [](client_record&) {}).error() == errc::unknown_client);
}

TEST_CASE("clients are listed per tenant and can be erased", "[credentials][registry]") {
  memory_client_registry reg;
  REQUIRE(reg.add(client("b", "t1")));
  REQUIRE(reg.add(client("a", "t1")));
  REQUIRE(reg.add(client("c", "t2")));
  auto t1 = reg.list("t1");
  REQUIRE(t1.size() == 2);
  CHECK(t1[0]->client_id == "a");
  CHECK(t1[1]->client_id == "b");
  REQUIRE(reg.erase("a"));
  CHECK(reg.find("a").error() == errc::unknown_client);
  CHECK(reg.erase("a").error() == errc::unknown_client);
  CHECK(reg.size() == 2);
}

TEST_CASE("a deactivation is seen by every find that starts after it, on every thread",
          "[credentials][registry][concurrency]") {
  memory_client_registry reg;
  constexpr int n = 32;
  for (int i = 0; i < n; ++i) REQUIRE(reg.add(client("c" + std::to_string(i))));
  std::atomic<int> told{0};
  reg.on_deactivate([&](const client_record&) { told.fetch_add(1); });

  std::atomic<int> deactivated_upto{-1};
  std::atomic<bool> stop{false};
  std::atomic<int> violations{0};
  std::atomic<long> finds{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      int i = t;
      while (!stop.load(std::memory_order_acquire)) {
        i = (i + 3) % n;
        const int upto = deactivated_upto.load(std::memory_order_acquire);
        auto c = reg.find("c" + std::to_string(i));
        if (!c) {
          violations.fetch_add(1);
          continue;
        }
        if (i <= upto && (*c)->active) violations.fetch_add(1);
        finds.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::thread editor([&] {  // unrelated edits racing with the deactivations
    for (int k = 0; k < 200; ++k) {
      const std::string id = "c" + std::to_string(k % n);
      if (!reg.modify(id, [&](client_record& c) { c.scopes.push_back("s" + std::to_string(k)); }))
        violations.fetch_add(1);
    }
  });
  for (int i = 0; i < n; ++i) {
    while (finds.load() < 20L * (i + 1)) std::this_thread::yield();
    if (!reg.deactivate("c" + std::to_string(i), t0)) violations.fetch_add(1);
    deactivated_upto.store(i, std::memory_order_release);
  }
  editor.join();
  while (finds.load() < 20L * (n + 2)) std::this_thread::yield();
  stop.store(true, std::memory_order_release);
  for (auto& th : readers) th.join();
  CHECK(violations.load() == 0);
  CHECK(told.load() == n);
  for (int i = 0; i < n; ++i) CHECK_FALSE((*reg.find("c" + std::to_string(i)))->active);
}

TEST_CASE("a client's scopes are scope-tokens, at registration and on every edit", "[credentials][registry]") {
  memory_client_registry reg;
  auto bad = client("spaced");
  bad.scopes = {"orders:read stock:write"};
  CHECK(reg.add(bad).error() == errc::invalid_scope);
  CHECK(reg.find("spaced").error() == errc::unknown_client);
  REQUIRE(reg.add(client("acme")));
  CHECK(reg.modify("acme", [](client_record& c) { c.scopes.push_back("stock:write orders:delete"); }).error() ==
        errc::invalid_scope);
  CHECK((*reg.find("acme"))->scopes == std::vector<std::string>{"orders:read"});  // unchanged
  REQUIRE(reg.modify("acme", [](client_record& c) { c.scopes.push_back("stock:write"); }));
  CHECK((*reg.find("acme"))->has_scope("stock:write"));
}
