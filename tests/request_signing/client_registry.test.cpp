// Tests for tessera/request_signing/client_registry.hpp: what may be registered, key ids,
// rotation bookkeeping, snapshots, and lookups racing with rotation.
#include "tessera/request_signing/client_registry.hpp"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "rs_support.hpp"

using namespace tessera;
using namespace tessera::request_signing;
using crypto::signature_alg;

TEST_CASE("a client's key registers from SPKI, PKCS#1 or certificate PEM", "[request_signing][client_registry]") {
  memory_client_registry r;
  auto spki = r.add_key("p-spki", tessera_test::keys::rsa2048_public_spki);
  auto pkcs1 = r.add_key("p-pkcs1", tessera_test::keys::rsa2048_public_pkcs1);
  auto cert = r.add_key("p-cert", tessera_test::keys::rsa2048_certificate);
  auto ec = r.add_key("p-ec", tessera_test::keys::p256_certificate, signature_alg::ecdsa_p256_sha256);
  auto ed = r.add_key("p-ed", tessera_test::keys::ed25519_public_spki, signature_alg::ed25519);
  REQUIRE(spki);
  REQUIRE(pkcs1);
  REQUIRE(cert);
  REQUIRE(ec);
  REQUIRE(ed);
  // The default key id is the RFC 7638 thumbprint: the same key gives the same id in any wrapping.
  CHECK(*spki == *pkcs1);
  CHECK(*spki == *cert);
  CHECK(spki->size() == 43);
  CHECK(r.size() == 5);
  auto h = r.find("p-cert");
  REQUIRE(h);
  CHECK((*h)->id == "p-cert");
  REQUIRE((*h)->keys.size() == 1);
  CHECK((*h)->keys[0].algorithm == signature_alg::rsa_pkcs1_sha256);
  CHECK((*h)->keys[0].key.type() == crypto::key_type::rsa);
}

TEST_CASE("registration refuses what could not be verified safely", "[request_signing][client_registry]") {
  memory_client_registry r;
  CHECK(r.add_key("p", tessera_test::keys::rsa1024_public_spki).error() == errc::key_too_small);
  CHECK(r.add_key("p", tessera_test::keys::p256_public_spki).error() == errc::key_type_mismatch);
  CHECK(r.add_key("p", tessera_test::keys::rsa2048_public_spki, signature_alg::ed25519).error() == errc::key_type_mismatch);
  CHECK(r.add_key("p", tessera_test::keys::secp256k1_public_spki, signature_alg::ecdsa_p256_sha256).error() ==
        errc::unsupported_key_type);
  CHECK(r.add_key("p", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").error() == errc::invalid_key);
  CHECK(r.add_key("p", "").error() == errc::invalid_key);
  // The Ed25519 identity point: under it, one fixed signature verifies every message.
  CHECK(r.add_key("p", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n-----END PUBLIC KEY-----\n",
                  signature_alg::ed25519)
            .error() == errc::weak_key);
  CHECK_FALSE(r.add_key("p", tessera_test::keys::rsa2048_private_pkcs8));  // never a private key
  CHECK(r.add_key("bad id", tessera_test::keys::rsa2048_public_spki).error() == errc::invalid_argument);
  CHECK(r.add_key("", tessera_test::keys::rsa2048_public_spki).error() == errc::invalid_argument);
  CHECK(r.size() == 0);
  CHECK(r.find("p").error() == errc::unknown_client);
}

TEST_CASE("key ids: chosen or thumbprint, unique per client, one algorithm per key", "[request_signing][client_registry]") {
  memory_client_registry r;
  auto a = r.add_key("p", tessera_test::keys::rsa2048_public_spki, signature_alg::rsa_pkcs1_sha256, "2024-key");
  REQUIRE(a);
  CHECK(*a == "2024-key");
  // The same key again is idempotent...
  CHECK(*r.add_key("p", tessera_test::keys::rsa2048_public_spki) == "2024-key");
  CHECK(*r.add_key("p", tessera_test::keys::rsa2048_public_pkcs1, signature_alg::rsa_pkcs1_sha256, "2024-key") == "2024-key");
  // ...but it cannot get a second algorithm or a second id.
  CHECK(r.add_key("p", tessera_test::keys::rsa2048_public_spki, signature_alg::rsa_pss_sha256).error() ==
        errc::invalid_argument);
  CHECK(r.add_key("p", tessera_test::keys::rsa2048_public_spki, signature_alg::rsa_pkcs1_sha256, "other").error() ==
        errc::invalid_argument);
  // Another key cannot take an id in use.
  CHECK(r.add_key("p", tessera_test::keys::ed25519_public_spki, signature_alg::ed25519, "2024-key").error() ==
        errc::invalid_argument);
  CHECK(r.find("p").value()->keys.size() == 1);
  // Another client may register the same key under its own id.
  CHECK(r.add_key("q", tessera_test::keys::rsa2048_public_spki, signature_alg::rsa_pkcs1_sha256, "2024-key"));
}

TEST_CASE("a client holds at most max_keys_per_client keys", "[request_signing][client_registry]") {
  memory_client_registry r;
  std::vector<crypto::public_key> keys;
  for (std::size_t i = 0; i <= max_keys_per_client; ++i)
    keys.push_back(crypto::private_key::generate(crypto::key_spec::ed25519).value().public_key().value());
  for (std::size_t i = 0; i < max_keys_per_client; ++i) REQUIRE(r.add_key("p", keys[i], signature_alg::ed25519));
  CHECK(r.add_key("p", keys[max_keys_per_client], signature_alg::ed25519).error() == errc::invalid_argument);
  CHECK(r.find("p").value()->keys.size() == max_keys_per_client);
}

TEST_CASE("removal, and snapshots that do not change under a verification", "[request_signing][client_registry]") {
  memory_client_registry r;
  auto a = r.add_key("p", tessera_test::keys::rsa2048_public_spki).value();
  auto b = r.add_key("p", tessera_test::keys::ed25519_public_spki, signature_alg::ed25519).value();
  auto held = r.find("p").value();
  REQUIRE(held->keys.size() == 2);
  CHECK(r.remove_key("p", a));
  CHECK_FALSE(r.remove_key("p", a));
  CHECK_FALSE(r.remove_key("nobody", a));
  CHECK(held->keys.size() == 2);  // the snapshot held by an in-flight verification is unchanged
  CHECK(r.find("p").value()->keys.size() == 1);
  CHECK(r.find("p").value()->keys[0].id == b);
  CHECK(r.remove_key("p", b));  // the last key: the client becomes unknown
  CHECK(r.find("p").error() == errc::unknown_client);
  CHECK(r.size() == 0);
  REQUIRE(r.add_key("p", tessera_test::keys::rsa2048_public_spki));
  CHECK(r.remove_client("p"));
  CHECK_FALSE(r.remove_client("p"));
  CHECK(r.find("p").error() == errc::unknown_client);
}

TEST_CASE("lookups run while keys rotate", "[request_signing][client_registry][concurrency]") {
  memory_client_registry r;
  const auto pub_a = crypto::public_key::from_pem(tessera_test::keys::rsa2048_public_spki).value();
  const auto pub_b = crypto::public_key::from_pem(tessera_test::keys::ed25519_public_spki).value();
  const auto id_a = r.add_key("p", pub_a).value();
  std::atomic<bool> stop{false};
  std::atomic<long> lookups{0}, bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto h = r.find("p");
        // Key A is never withdrawn, so every snapshot holds it (and perhaps key B).
        if (!h || (*h)->keys.empty() || (*h)->keys.size() > 2 || (*h)->keys[0].id != id_a) ++bad;
        ++lookups;
        if (r.find("other").error() != errc::unknown_client) ++bad;
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    auto id_b = r.add_key("p", pub_b, signature_alg::ed25519);
    if (!id_b || !r.remove_key("p", *id_b)) ++bad;
  }
  stop = true;
  for (auto& t : readers) t.join();
  CHECK(bad.load() == 0);
  CHECK(lookups.load() > 0);
}
